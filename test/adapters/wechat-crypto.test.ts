/** WeChat push security and XML: Tencent's published vector, both directions against the emulator, hostile input. */
import { describe, expect, it } from 'vitest';
import { aesKeyFrom, decryptMessage, encryptMessage, sha1Signature, signatureMatches, WechatCryptoError } from '../../adapters/wechat/crypto.ts';
import { buildWechatXml, parseWechatXml, XmlError } from '../../adapters/wechat/xml.ts';
import { openFromWechat, sealForApp, wechatSign } from '../../src/sandbox/emulators/wechat/index.ts';

// Tencent's sample (WXBizMsgCrypt, developer.work.weixin.qq.com/document/path/90968): same algorithm as the official account's safe mode.
const SAMPLE = {
  token: 'QDG6eK',
  aesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  appId: 'wx5823bf96d3bd56c7',
  timestamp: '1409659813',
  nonce: '1372623149',
  msgSignature: '477715d11cdb4164915debcba66cb864d751f3e6',
  encrypt:
    'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
};

describe('WeChat safe-mode crypto', () => {
  it("matches Tencent's sample: msg_signature and decryption", () => {
    expect(sha1Signature(SAMPLE.token, SAMPLE.timestamp, SAMPLE.nonce, SAMPLE.encrypt)).toBe(SAMPLE.msgSignature);
    expect(wechatSign([SAMPLE.token, SAMPLE.timestamp, SAMPLE.nonce, SAMPLE.encrypt])).toBe(SAMPLE.msgSignature);
    const opened = decryptMessage(aesKeyFrom(SAMPLE.aesKey), SAMPLE.encrypt);
    expect(opened.appId).toBe(SAMPLE.appId);
    expect(parseWechatXml(opened.message)).toMatchObject({ MsgType: 'text', Content: 'hello', MsgId: '4561255354251345929' });
    expect(openFromWechat(SAMPLE.aesKey, SAMPLE.encrypt)).toEqual({ xml: opened.message, appId: SAMPLE.appId });
  });

  it('reads what the emulated WeChat seals, and WeChat reads what the adapter seals (multi-byte text, every padding length)', () => {
    const key = aesKeyFrom(SAMPLE.aesKey);
    for (let n = 0; n < 40; n++) {
      const xml = `<xml><Content><![CDATA[宽带${'断'.repeat(n)}]]></Content></xml>`;
      expect(decryptMessage(key, sealForApp(SAMPLE.aesKey, xml, 'wx0123456789abcdef'))).toEqual({ message: xml, appId: 'wx0123456789abcdef' });
      expect(openFromWechat(SAMPLE.aesKey, encryptMessage(key, xml, 'wx0123456789abcdef'))).toEqual({ xml, appId: 'wx0123456789abcdef' });
    }
  });

  it('refuses ciphertext that is not a whole number of blocks, empty, or sealed with another key', () => {
    const key = aesKeyFrom(SAMPLE.aesKey);
    expect(() => decryptMessage(key, 'AAAA')).toThrow(WechatCryptoError);
    expect(() => decryptMessage(key, '')).toThrow(WechatCryptoError);
    expect(() => decryptMessage(key, '%%%not base64%%%')).toThrow(WechatCryptoError);
    const other = aesKeyFrom('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG');
    const sealed = encryptMessage(other, '<xml/>', 'wx0123456789abcdef', Buffer.alloc(16, 7));
    let opened: { appId: string } | undefined;
    try {
      opened = decryptMessage(key, sealed);
    } catch (error) {
      expect(error).toBeInstanceOf(WechatCryptoError);
    }
    expect(opened?.appId).not.toBe('wx0123456789abcdef');
  });

  it('rejects an EncodingAESKey of the wrong shape', () => {
    expect(() => aesKeyFrom('short')).toThrow(WechatCryptoError);
    expect(() => aesKeyFrom(`${SAMPLE.aesKey}x`)).toThrow(WechatCryptoError);
  });

  it('compares signatures in full, case-insensitively, and refuses missing ones', () => {
    const sig = sha1Signature('t', '1', '2');
    expect(signatureMatches(sig, sig.toUpperCase())).toBe(true);
    expect(signatureMatches(sig, sig.slice(0, -1))).toBe(false);
    expect(signatureMatches(sig, `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`)).toBe(false);
    expect(signatureMatches(sig, undefined)).toBe(false);
    expect(signatureMatches(sig, '')).toBe(false);
  });
});

describe('WeChat push XML', () => {
  it('reads CDATA, plain values, entities and nested fields', () => {
    const fields = parseWechatXml(
      `<?xml version="1.0"?>\n<xml><ToUserName><![CDATA[gh_1]]></ToUserName><CreateTime>1700000000</CreateTime><Content><![CDATA[a]]]]><![CDATA[>b <c> & d]]></Content><Note>x &lt; y &amp; &#x4e2d;&#25991;</Note><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult>1</ScanResult></ScanCodeInfo><Empty/></xml>`,
    );
    expect(fields).toEqual({ ToUserName: 'gh_1', CreateTime: '1700000000', Content: 'a]]>b <c> & d', Note: 'x < y & 中文', ScanCodeInfo: { ScanType: 'qrcode', ScanResult: '1' }, Empty: '' });
  });

  it('reads what buildWechatXml writes, whatever the text holds', () => {
    const text = 'x]]>y<z>&amp;\n"\'';
    expect(parseWechatXml(buildWechatXml({ Content: text, CreateTime: 5 }))).toEqual({ Content: text, CreateTime: '5' });
  });

  it.each([
    ['empty', ''],
    ['not XML', 'hello'],
    ['JSON', '{"MsgType":"text"}'],
    ['unterminated', '<xml><Content><![CDATA[abc'],
    ['mismatched tags', '<xml><A>1</B></xml>'],
    ['a DOCTYPE (entity expansion)', '<!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><A>&a;</A></xml>'],
    ['a comment inside', '<xml><!-- hi --><A>1</A></xml>'],
    ['content after the root', '<xml><A>1</A></xml><xml/>'],
    ['nesting too deep', '<xml><a><b><c><d><e>1</e></d></c></b></a></xml>'],
    ['an unterminated CDATA repeated 5,000 times', '<xml>' + '<a><![CDATA['.repeat(5000)],
    ['10,000 open tags', '<xml>' + '<a>'.repeat(10000)],
  ])('refuses %s with an XmlError', (_name, input) => {
    expect(() => parseWechatXml(input)).toThrow(XmlError);
  });
});
