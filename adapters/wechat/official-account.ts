/**
 * The project's own official-account (公众号) adapter, instead of the published
 * wechaty-puppet-official-account (which checks no signature on pushes and has no safe mode).
 * It implements the same contract as the Wechaty transport, and:
 * - serves the server URL (WECHAT_OA_PATH): GET answers WeChat's echostr check, POST takes pushes;
 * - checks the signature of every request, and that its timestamp is within 5 minutes;
 * - in safe mode (WECHAT_OA_AES_KEY set) accepts only encrypted pushes, checks msg_signature and the
 *   appid sealed inside;
 * - refuses a (timestamp, nonce) seen before with another body: in plain mode the signature does not
 *   cover the body, so a captured URL could otherwise carry forged messages;
 * - answers `success` at once (WeChat waits 5 s, then retries) and hands the message to the app
 *   afterwards; the app answers through the customer-service API. Retried pushes carry the same MsgId
 *   and are handled once by the app's inbound deduplication.
 * - handles different customers at once (up to `concurrency`), one customer's pushes one at a time in the
 *   order they were sent (CreateTime, then MsgId), also those handed out again after a crash.
 * Anything malformed gets a 4xx answer and changes nothing.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomerInbound } from '../../src/app/shared/inbound.ts';
import { KeyedQueue, QueueClosed } from '../../src/app/shared/keyed-queue.ts';
import type { SignedRequestCheck } from '../../src/app/shared/remember-signed-request.ts';
import type { Logger } from '../../src/logger.ts';
import { HttpRefusal, readRequestBody } from '../../src/http/body.ts';
import { aesKeyFrom, decryptMessage, sha1Signature, signatureMatches, WechatCryptoError } from './crypto.ts';
import { decodeOfficialAccountPush } from './decode-official-account.ts';
import type { OfficialAccountApi } from './oa-api.ts';
import type { WechatTransport } from './transport.ts';
import { field, parseWechatXml, XmlError, type XmlFields } from './xml.ts';

export const WECHAT_OA_PATH = '/wechat/official-account';
const MAX_BODY = 64 * 1024;
const MAX_SKEW_S = 300;

/** What a replay check found: a new request, a retry of one seen (same body), or a seen URL with another body. */
export type NonceCheck = SignedRequestCheck;

export interface OfficialAccountOptions {
  appId: string;
  token: string;
  /** EncodingAESKey: set = safe mode (only encrypted pushes are accepted). */
  aesKey?: string;
  api: OfficialAccountApi;
  /** Remembers (timestamp, nonce, signature) with the body's hash, in the database so it holds across instances. */
  checkNonce: (key: string, bodyHash: string, at: Date) => Promise<NonceCheck>;
  /** How a customer is named (pushes carry no nickname). */
  displayName: (openId: string) => string;
  now: () => Date;
  log: Logger;
  /**
   * Where a push is kept before `success` is answered, and handled from: a crash in between loses nothing
   * (unhandled pushes are handed out again at start and every `replayMs`).
   */
  inbox?: { keep(key: string, push: KeptPush, at: Date): Promise<void>; done(key: string, at: Date): Promise<void>; unhandled(before: Date, limit?: number): Promise<{ key: string; payload: KeptPush }[]> };
  replayMs?: number;
  /** Customers handled at once (one customer's pushes are always one at a time, in order). Default 16. */
  concurrency?: number;
}

/** A push as the inbox keeps it: the decoded message and where it stands in its sender's sequence. */
export type KeptPush = CustomerInbound & { sentOrder?: string };

/** CreateTime, then MsgId, as one string that sorts like the pair (events without MsgId come first in their second). */
export function sentOrder(fields: XmlFields): string | undefined {
  const createTime = field(fields, 'CreateTime') ?? '';
  if (!/^\d{1,15}$/.test(createTime)) return undefined;
  const msgId = field(fields, 'MsgId') ?? '';
  return `${createTime.padStart(15, '0')}:${/^\d{1,30}$/.test(msgId) ? msgId.padStart(30, '0') : ''}`;
}

function bySentOrder(a: { payload: KeptPush }, b: { payload: KeptPush }): number {
  const x = a.payload.sentOrder;
  const y = b.payload.sentOrder;
  if (x === y) return 0;
  if (x === undefined) return 1;
  if (y === undefined) return -1;
  return x < y ? -1 : 1;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export class OfficialAccountTransport implements WechatTransport {
  readonly kind = 'official-account' as const;
  readonly windowed = true;
  private onInbound: ((inbound: CustomerInbound) => Promise<void>) | undefined;
  /** Pushes are taken (not 503) between start and stop. */
  private accepting = false;
  private readonly aesKey: Buffer | undefined;
  private readonly queue: KeyedQueue;
  private replayTimer: NodeJS.Timeout | undefined;
  /** Keys being handled here now (a replay skips them). */
  private readonly handling = new Set<string>();

  constructor(private readonly opts: OfficialAccountOptions) {
    this.aesKey = opts.aesKey ? aesKeyFrom(opts.aesKey) : undefined;
    this.queue = new KeyedQueue({ concurrency: opts.concurrency ?? 16 });
  }

  async start(onInbound: (inbound: CustomerInbound) => Promise<void>): Promise<void> {
    this.onInbound = onInbound;
    if (this.opts.inbox) {
      // The pushes kept before a stop go first: they were sent before anything that arrives from now on.
      // All of them (not a first batch): a customer's older pushes must not wait a minute behind their new ones.
      await this.replay(new Date(this.opts.now().getTime() + 1), 100_000);
      this.replayTimer = setInterval(() => void this.replay(new Date(this.opts.now().getTime() - (this.opts.replayMs ?? 60_000))), this.opts.replayMs ?? 60_000);
      this.replayTimer.unref?.();
    }
    this.accepting = true;
    this.opts.log.info({ path: WECHAT_OA_PATH, safeMode: Boolean(this.aesKey) }, 'WeChat official account: pushes accepted on the server URL');
  }

  /** Stops taking pushes (503, so WeChat retries elsewhere) and waits for the ones already acknowledged. */
  async stop(): Promise<void> {
    this.accepting = false;
    if (this.replayTimer) clearInterval(this.replayTimer);
    await this.queue.close();
    this.onInbound = undefined;
  }

  /** Resolves when every acknowledged push has been handled. */
  settled(): Promise<void> {
    return this.queue.idle();
  }

  sendText(userId: string, text: string): Promise<void> {
    return this.opts.api.sendCustomText(userId, text);
  }

  sendTemplate(userId: string, template: { id: string; url?: string; data: Record<string, string> }): Promise<void> {
    return this.opts.api.sendTemplate(userId, template);
  }

  /** The HTTP route for WECHAT_OA_PATH. Never throws: every outcome is an HTTP answer. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      if (req.method === 'GET') return this.answer(res, 200, this.verifyEcho(query));
      if (req.method !== 'POST') throw new Refusal(405, 'method not allowed');
      this.verifySignature(query);
      if (!this.accepting) throw new Refusal(503, 'not started or stopping; WeChat will retry');
      const body = await readBody(req);
      const fields = this.open(query, body);
      const check = await this.opts.checkNonce(`${query.get('timestamp')}:${query.get('nonce')}:${query.get('signature')}`, createHash('sha256').update(body).digest('hex'), this.opts.now());
      if (check === 'forged') throw new Refusal(403, 'this signed URL was already used with another body');
      const inbound = decodeOfficialAccountPush(fields, this.opts.displayName);
      const order = sentOrder(fields);
      // Kept before WeChat hears `success`: from here on, a crash cannot lose it.
      if (inbound && this.opts.inbox) await this.opts.inbox.keep(inbound.eventId, { ...inbound, ...(order ? { sentOrder: order } : {}) }, this.opts.now());
      this.answer(res, 200, 'success');
      if (inbound) this.dispatch(inbound, order);
    } catch (error) {
      if (error instanceof Refusal) {
        this.opts.log.warn({ status: error.status, reason: error.reason, method: req.method }, 'WeChat official account: request refused');
        if (error.status === 413 || error.status === 408) res.setHeader('connection', 'close');
        return this.answer(res, error.status, error.reason);
      }
      this.opts.log.error({ err: error }, 'WeChat official account: push failed');
      this.answer(res, 500, 'internal error');
    }
  }

  private answer(res: ServerResponse, status: number, text: string): void {
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(text);
  }

  private verifySignature(query: URLSearchParams): void {
    const timestamp = query.get('timestamp') ?? '';
    const nonce = query.get('nonce') ?? '';
    if (!/^\d{1,12}$/.test(timestamp) || !/^[\w-]{1,64}$/.test(nonce)) throw new Refusal(403, 'missing or malformed timestamp/nonce');
    if (!signatureMatches(sha1Signature(this.opts.token, timestamp, nonce), query.get('signature'))) throw new Refusal(403, 'bad signature');
    if (Math.abs(this.opts.now().getTime() / 1000 - Number(timestamp)) > MAX_SKEW_S) throw new Refusal(403, 'stale timestamp');
  }

  private verifyEcho(query: URLSearchParams): string {
    this.verifySignature(query);
    const echostr = query.get('echostr') ?? '';
    if (!/^[\w.+/=-]{1,256}$/.test(echostr)) throw new Refusal(400, 'missing or malformed echostr');
    return echostr;
  }

  /** Parses (and in safe mode checks and decrypts) a push body. */
  private open(query: URLSearchParams, body: Buffer): XmlFields {
    const outer = parseXml(body.toString('utf8'));
    const encrypted = field(outer, 'Encrypt');
    if (!this.aesKey) {
      if (encrypted !== undefined && field(outer, 'MsgType') === undefined) throw new Refusal(400, 'encrypted push, but WECHAT_OA_AES_KEY is not set');
      return outer;
    }
    if (!encrypted) throw new Refusal(400, 'safe mode: the push is not encrypted');
    const expected = sha1Signature(this.opts.token, query.get('timestamp')!, query.get('nonce')!, encrypted);
    if (!signatureMatches(expected, query.get('msg_signature'))) throw new Refusal(403, 'bad msg_signature');
    let opened;
    try {
      opened = decryptMessage(this.aesKey, encrypted);
    } catch (error) {
      if (error instanceof WechatCryptoError) throw new Refusal(400, `cannot decrypt: ${error.message}`);
      throw error;
    }
    if (opened.appId !== this.opts.appId) throw new Refusal(403, 'the push was sealed for another appid');
    return parseXml(opened.message);
  }

  /** Queues a push behind the same customer's earlier ones (by `order`, CreateTime + MsgId). */
  private dispatch(inbound: CustomerInbound, order: string | undefined): void {
    const handler = this.onInbound;
    if (!handler || this.handling.has(inbound.eventId)) return;
    this.handling.add(inbound.eventId);
    this.queue
      .run(
        inbound.userId,
        async () => {
          await handler(inbound);
          await this.opts.inbox?.done(inbound.eventId, this.opts.now());
        },
        order,
      )
      .catch((error: unknown) => {
        if (error instanceof QueueClosed) this.opts.log.info({ eventId: inbound.eventId }, 'WeChat official account: stopping; the push stays in the inbox for the next start');
        else this.opts.log.error({ err: error, eventId: inbound.eventId }, 'handling a WeChat push failed (kept for a retry)');
      })
      .finally(() => this.handling.delete(inbound.eventId));
  }

  /** Hands out again the pushes kept but never handled (a crash between `success` and the handling), each customer's in the order sent. */
  private async replay(before: Date, limit?: number): Promise<void> {
    try {
      const kept = (await this.opts.inbox!.unhandled(before, limit)).sort(bySentOrder);
      if (kept.length) this.opts.log.warn({ count: kept.length }, 'WeChat official account: handling pushes kept before a stop');
      for (const { payload } of kept) {
        const { sentOrder: order, ...inbound } = payload;
        this.dispatch(inbound, order);
      }
    } catch (error) {
      this.opts.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'WeChat official account: reading the inbox failed');
    }
  }
}

function parseXml(text: string): XmlFields {
  try {
    return parseWechatXml(text);
  } catch (error) {
    if (error instanceof XmlError) throw new Refusal(400, `unreadable XML: ${error.message}`);
    throw error;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  try {
    return await readRequestBody(req, { limit: MAX_BODY });
  } catch (error) {
    if (error instanceof HttpRefusal) throw new Refusal(error.status, error.reason);
    throw error;
  }
}
