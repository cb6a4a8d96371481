/**
 * Feishu callbacks over HTTP (FEISHU_EVENT_MODE=http), verified before anything is read:
 * signature sha256(timestamp + nonce + encryptKey + body), timestamps within 5 minutes, each nonce
 * once, a size limit, AES-256-CBC decryption, the verification token, and an answer to every request.
 * The SDK's adaptDefault checks none of the freshness and crashes on garbage (docs/platforms.md), hence this.
 * Feishu posts events at once; a chat's messages are handled one at a time in arrival order (different
 * chats at once, up to `concurrency`); card clicks are put in order by the card action handler.
 */
import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../src/logger.ts';
import { HttpRefusal, readRequestBody } from '../../src/http/body.ts';
import { KeyedQueue } from '../../src/app/shared/keyed-queue.ts';

export interface FeishuHttpOptions {
  encryptKey: string;
  verificationToken?: string;
  /** Returns false when the nonce was seen before (shared across instances through the database). */
  rememberNonce: (nonce: string, at: Date) => Promise<boolean>;
  onCardAction: (event: Record<string, unknown>) => Promise<unknown>;
  /** `im.message.receive_v1`: a message to the bot in a chat (group commands). */
  onMessage?: (event: Record<string, unknown>) => Promise<void>;
  log: Logger;
  now?: () => Date;
  maxBodyBytes?: number;
  maxSkewSeconds?: number;
  /** Chats handled at once (one chat's messages are always one at a time, in order). Default 16. */
  concurrency?: number;
}

class Refused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The chat a message event belongs to: its line in the queue. */
export function feishuMessageKey(event: Record<string, unknown>): string {
  const message = event.message as { chat_id?: unknown; message_id?: unknown } | undefined;
  if (typeof message?.chat_id === 'string') return `chat:${message.chat_id}`;
  return `event:${String(event.event_id ?? message?.message_id ?? Math.random())}`;
}

export function decryptFeishu(encrypt: string, encryptKey: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const buf = Buffer.from(encrypt, 'base64');
  if (buf.length < 32 || buf.length % 16 !== 0) throw new Refused(400, 'malformed encrypt');
  const decipher = createDecipheriv('aes-256-cbc', key, buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createFeishuHttpHandler(opts: FeishuHttpOptions) {
  const now = opts.now ?? (() => new Date());
  const limit = opts.maxBodyBytes ?? 256 * 1024;
  const skew = opts.maxSkewSeconds ?? 300;
  const messages = new KeyedQueue({ concurrency: opts.concurrency ?? 16 });

  async function verify(req: IncomingMessage): Promise<Record<string, unknown>> {
    if (req.method !== 'POST') throw new Refused(405, 'POST only');
    let body: string;
    try {
      body = (await readRequestBody(req, { limit })).toString('utf8');
    } catch (error) {
      if (error instanceof HttpRefusal) throw new Refused(error.status, error.reason);
      throw error;
    }
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const timestamp = header('x-lark-request-timestamp');
    const nonce = header('x-lark-request-nonce');
    const signature = header('x-lark-signature');
    if (!timestamp || !nonce || !signature) throw new Refused(401, 'missing signature headers');
    if (!/^\d{1,12}$/.test(timestamp) || nonce.length > 128) throw new Refused(401, 'malformed signature headers');
    const age = Math.abs(now().getTime() / 1000 - Number(timestamp));
    if (age > skew) throw new Refused(401, `stale timestamp (${Math.round(age)} s old)`);
    const expected = createHash('sha256').update(timestamp + nonce + opts.encryptKey + body).digest('hex');
    if (!safeEqualHex(expected, signature)) throw new Refused(401, 'bad signature');
    if (!(await opts.rememberNonce(nonce, now()))) throw new Refused(401, 'replayed nonce');
    let outer: unknown;
    try {
      outer = JSON.parse(body);
    } catch {
      throw new Refused(400, 'body is not JSON');
    }
    const encrypt = (outer as { encrypt?: unknown })?.encrypt;
    if (typeof encrypt !== 'string') throw new Refused(400, 'body is not encrypted');
    let inner: unknown;
    try {
      inner = JSON.parse(decryptFeishu(encrypt, opts.encryptKey));
    } catch (e) {
      throw e instanceof Refused ? e : new Refused(400, 'cannot decrypt');
    }
    if (!inner || typeof inner !== 'object') throw new Refused(400, 'event is not an object');
    return inner as Record<string, unknown>;
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, payload: unknown) => {
      if (res.headersSent) return;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(payload));
    };
    try {
      const event = await verify(req);
      const token = (event.header as { token?: string } | undefined)?.token ?? (event.token as string | undefined);
      if (opts.verificationToken && token !== opts.verificationToken) throw new Refused(401, 'wrong verification token');
      if (event.type === 'url_verification') return reply(200, { challenge: event.challenge });
      const header = (event.header ?? {}) as Record<string, unknown>;
      const flat = { ...header, ...((event.event ?? {}) as Record<string, unknown>) };
      if (header.event_type === 'im.message.receive_v1' && opts.onMessage) {
        const onMessage = opts.onMessage;
        await messages.run(feishuMessageKey(flat), () => onMessage(flat));
        return reply(200, {});
      }
      if (header.event_type !== 'card.action.trigger') return reply(200, {});
      reply(200, await opts.onCardAction(flat));
    } catch (error) {
      if (error instanceof Refused) {
        opts.log.warn({ status: error.status, reason: error.message, ip: req.socket.remoteAddress }, 'Feishu: refused an HTTP callback');
        if (error.status === 413 || error.status === 408) res.setHeader('connection', 'close');
        return reply(error.status, { code: error.status, msg: error.message });
      }
      opts.log.error({ err: error }, 'Feishu: HTTP callback failed');
      reply(500, { code: 500, msg: 'internal error' });
    }
  };
}
