/**
 * WeChat's push security: the URL signature `sha1(sort(token, timestamp, nonce))`, and safe mode
 * (安全模式): `msg_signature = sha1(sort(token, timestamp, nonce, encrypt))` over a body encrypted with
 * AES-256-CBC, key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes, PKCS#7 padding to 32
 * bytes, plaintext = 16 random bytes ‖ length (4 bytes, big-endian) ‖ message ‖ appid.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export class WechatCryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WechatCryptoError';
  }
}

const BLOCK = 32;

export function sha1Signature(...parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** Compares two hex signatures in constant time. */
export function signatureMatches(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  // Compare bytes, not characters: a non-ASCII signature of the right length in characters has more bytes.
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** EncodingAESKey (43 characters) → the 32-byte AES key. */
export function aesKeyFrom(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) throw new WechatCryptoError('EncodingAESKey must be 43 characters of A-Z, a-z, 0-9');
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new WechatCryptoError('EncodingAESKey does not decode to 32 bytes');
  return key;
}

/** Decrypts a safe-mode `Encrypt` value; returns the message and the appid it was sealed for. */
export function decryptMessage(key: Buffer, encrypted: string): { message: string; appId: string } {
  const data = Buffer.from(encrypted, 'base64');
  if (!data.length || data.length % BLOCK !== 0 || data.length > 2 * 1024 * 1024) throw new WechatCryptoError('ciphertext has a wrong length');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    throw new WechatCryptoError('cannot decrypt');
  }
  const pad = plain[plain.length - 1]!;
  if (pad < 1 || pad > BLOCK || plain.length < 20 + pad) throw new WechatCryptoError('bad padding');
  for (let j = plain.length - pad; j < plain.length; j++) if (plain[j] !== pad) throw new WechatCryptoError('bad padding');
  const content = plain.subarray(16, plain.length - pad);
  const length = content.readUInt32BE(0);
  if (length > content.length - 4) throw new WechatCryptoError('bad message length');
  return { message: content.subarray(4, 4 + length).toString('utf8'), appId: content.subarray(4 + length).toString('utf8') };
}

/** Encrypts a message for safe mode (the form WeChat expects in an encrypted reply). */
export function encryptMessage(key: Buffer, message: string, appId: string, random: Buffer = randomBytes(16)): string {
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  const content = Buffer.concat([random, length, body, Buffer.from(appId, 'utf8')]);
  const pad = BLOCK - (content.length % BLOCK);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([content, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}
