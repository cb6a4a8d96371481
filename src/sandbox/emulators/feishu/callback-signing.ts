/**
 * Encryption and signing of Feishu HTTP event/callback requests, byte for byte
 * what `@larksuiteoapi/node-sdk` (RequestHandle / AESCipher) checks:
 *
 * - body: `{"encrypt":"<base64(iv16 ‖ AES-256-CBC(key = sha256(encryptKey), PKCS7, plaintext))>"}`
 * - `X-Lark-Signature = sha256hex(timestamp + nonce + encryptKey + body)`, where the SDK
 *   recomputes `body` as `JSON.stringify(parsedBody)`: we therefore always send compact JSON
 *   so that the raw body (what Feishu signs) and the SDK's re-serialisation are identical.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { RawResponse, SignedCallback } from './types.ts';

function aesKey(encryptKey: string): Buffer {
  return createHash('sha256').update(encryptKey).digest();
}

/** base64(iv ‖ AES-256-CBC(sha256(encryptKey), PKCS7)(plaintext)). */
export function encryptPayload(plaintext: string, encryptKey: string, iv: Buffer = randomBytes(16)): string {
  if (iv.length !== 16) throw new Error('iv must be 16 bytes');
  const cipher = createCipheriv('aes-256-cbc', aesKey(encryptKey), iv);
  const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, encrypted]).toString('base64');
}

/** Inverse of {@link encryptPayload}; throws on a bad key or corrupt data. */
export function decryptPayload(encrypt: string, encryptKey: string): string {
  const buf = Buffer.from(encrypt, 'base64');
  if (buf.length < 32) throw new Error('encrypted payload too short');
  const decipher = createDecipheriv('aes-256-cbc', aesKey(encryptKey), buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

/** sha256hex(timestamp + nonce + encryptKey + body). */
export function signCallback(timestamp: string, nonce: string, encryptKey: string, body: string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey + body).digest('hex');
}

/** Constant-time check of an `X-Lark-Signature` (for code that verifies callbacks itself). */
export function verifyCallbackSignature(
  headers: { timestamp: string; nonce: string; signature: string },
  encryptKey: string,
  body: string,
): boolean {
  const expected = Buffer.from(signCallback(headers.timestamp, headers.nonce, encryptKey, body), 'utf8');
  const actual = Buffer.from(headers.signature, 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export function randomNonce(): string {
  return randomBytes(8).toString('hex');
}

/**
 * The HTTP request Feishu would POST for `event`: encrypted and signed with `encryptKey`,
 * or plain JSON without a signature when `encryptKey` is undefined/empty.
 */
export function buildSignedRequest(
  event: unknown,
  opts: { encryptKey?: string; timestamp?: string; nonce?: string } = {},
): SignedCallback {
  const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? randomNonce();
  const plain = JSON.stringify(event);
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'x-lark-request-timestamp': timestamp,
    'x-lark-request-nonce': nonce,
  };
  if (!opts.encryptKey) return { headers, body: plain };
  const body = JSON.stringify({ encrypt: encryptPayload(plain, opts.encryptKey) });
  headers['x-lark-signature'] = signCallback(timestamp, nonce, opts.encryptKey, body);
  return { headers, body };
}

/**
 * POST (by default) `body` to `url` with exactly these headers, on a fresh connection that is
 * closed afterwards (no keep-alive agent that could keep a test process alive).
 */
export function postRaw(
  url: string,
  req: { headers?: Record<string, string>; body: string | Buffer; method?: string },
  timeoutMs = 10_000,
): Promise<RawResponse> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  const body = typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body;
  return new Promise<RawResponse>((resolve, reject) => {
    const r = transport.request(
      target,
      {
        method: req.method ?? 'POST',
        agent: false,
        headers: { ...(req.headers ?? {}), 'content-length': String(body.length), connection: 'close' },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }),
        );
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`request to ${url} timed out after ${timeoutMs} ms`)));
    r.on('error', reject);
    r.end(body);
  });
}
