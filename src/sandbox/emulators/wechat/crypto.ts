/**
 * WeChat's push signing and safe-mode encryption, as the WeChat server does it. Written separately from
 * adapters/wechat/crypto.ts on purpose, so a mistake there cannot cancel out against the same mistake
 * here; both are checked against Tencent's published sample vector.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** sha1 of the parts sorted as strings and joined: `signature` (token, timestamp, nonce) or `msg_signature` (+ Encrypt). */
export function wechatSign(parts: string[]): string {
  const sorted = parts.slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha1').update(sorted.join(''), 'utf8').digest('hex');
}

function keyOf(encodingAesKey: string): { key: Buffer; iv: Buffer } {
  const key = Buffer.from(encodingAesKey + '=', 'base64');
  if (key.length !== 32) throw new Error('EncodingAESKey must be 43 base64 characters');
  return { key, iv: key.subarray(0, 16) };
}

/** random(16) ‖ len(4, big-endian) ‖ xml ‖ appid, PKCS#7 to a multiple of 32, AES-256-CBC, base64. */
export function sealForApp(encodingAesKey: string, xml: string, appId: string): string {
  const { key, iv } = keyOf(encodingAesKey);
  const msg = Buffer.from(xml, 'utf8');
  const header = Buffer.alloc(20);
  randomBytes(16).copy(header, 0);
  header.writeUInt32BE(msg.length, 16);
  const plain = Buffer.concat([header, msg, Buffer.from(appId, 'utf8')]);
  const padLength = 32 - (plain.length % 32);
  const padded = Buffer.concat([plain, Buffer.from(new Array<number>(padLength).fill(padLength))]);
  const cipher = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
  return cipher.update(padded, undefined, 'base64') + cipher.final('base64');
}

/** The inverse of `sealForApp` (for encrypted replies, and to check the sample vector). */
export function openFromWechat(encodingAesKey: string, sealed: string): { xml: string; appId: string } {
  const { key, iv } = keyOf(encodingAesKey);
  const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(Buffer.from(sealed, 'base64')), decipher.final()]);
  const plain = padded.subarray(0, padded.length - padded[padded.length - 1]!);
  const length = plain.readUInt32BE(16);
  return { xml: plain.subarray(20, 20 + length).toString('utf8'), appId: plain.subarray(20 + length).toString('utf8') };
}
