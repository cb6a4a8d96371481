/**
 * A Feishu (Lark) Open Platform emulator for end-to-end tests and sandbox runs.
 *
 * ```ts
 * const emu = new FeishuEmulator({ appId: 'cli_0123456789abcdef', appSecret: 's', encryptKey: 'k' });
 * await emu.start();
 * const client = new lark.Client({ appId, appSecret, domain: emu.domain, cache: new lark.DefaultCache() });
 * const ws = new lark.WSClient({ appId, appSecret, domain: emu.domain });
 * ...
 * const answer = await emu.clickButton({ messageId, operator: { open_id: 'ou_…' }, value: { action: 'close' } });
 * await emu.stop();
 * ```
 *
 * Real code on node:http + ws, bound to 127.0.0.1 on an ephemeral port. See README-style notes in
 * server.ts (HTTP API), long-connection.ts (WS protocol) and callback-signing.ts (HTTP callbacks).
 */
import { randomBytes } from 'node:crypto';
import { buildSignedRequest, postRaw } from './callback-signing.ts';
import { LongConnectionHub, type WsClientInfo } from './long-connection.ts';
import { compilePathTemplate, FeishuHttpServer } from './server.ts';
import { hex, isObject, Store } from './store.ts';
import type {
  CallMatcher,
  CallPredicate,
  CardActionEvent,
  CardActionResponse,
  CardCallbackRecord,
  ClickButtonOptions,
  DeliveryResult,
  EventEnvelope,
  FeishuEmulatorOptions,
  FeishuMessage,
  JsonObject,
  RateLimitOptions,
  RateLimitRequest,
  RateLimitTarget,
  NetworkFault,
  RawResponse,
  ReceiveIdType,
  RecordedCall,
  SignedCallback,
  SignOptions,
  UploadedImage,
  UploadedFile,
  WsClientConfig,
} from './types.ts';

export * from './types.ts';
export type { WsClientInfo } from './long-connection.ts';
export {
  buildSignedRequest,
  decryptPayload,
  encryptPayload,
  postRaw,
  signCallback,
  verifyCallbackSignature,
} from './callback-signing.ts';
export { decodeFrame, encodeFrame, type Frame } from './long-connection.ts';

/** The app failed to answer a callback the way Feishu requires. */
export class FeishuCallbackError extends Error {
  constructor(
    message: string,
    readonly result?: DeliveryResult,
  ) {
    super(message);
    this.name = 'FeishuCallbackError';
  }
}

const APP_ID_RE = /^cli_[0-9a-fA-F]{16}$/;
const TOAST_TYPES = new Set(['success', 'error', 'info', 'warning']);

interface RateLimitRule {
  match: (req: RateLimitRequest) => boolean;
  remaining: number;
  opts: RateLimitOptions;
}

interface CallWaiter {
  predicate: CallPredicate;
  resolve: (call: RecordedCall) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class FeishuEmulator {
  readonly appId: string;
  readonly appSecret: string;
  readonly encryptKey: string | undefined;
  readonly verificationToken: string;
  readonly tenantKey: string;
  /** Every HTTP request received, oldest first. */
  readonly calls: RecordedCall[] = [];
  /** Every card callback delivered by `clickButton`, oldest first. */
  readonly cardCallbacks: CardCallbackRecord[] = [];

  private readonly opts: FeishuEmulatorOptions;
  private readonly now: () => number;
  private readonly store: Store;
  private readonly hub: LongConnectionHub;
  private readonly http: FeishuHttpServer;
  private readonly wsConfig: WsClientConfig;
  private readonly consumed = new WeakSet<RecordedCall>();
  private readonly waiters = new Set<CallWaiter>();
  private rateLimits: RateLimitRule[] = [];
  private faults: { match: (req: RateLimitRequest) => boolean; remaining: number; fault: NetworkFault }[] = [];
  private callbackUrl: string | undefined;
  private baseUrl: string | undefined;
  private state: 'new' | 'started' | 'stopped' = 'new';

  constructor(opts: FeishuEmulatorOptions) {
    if (!APP_ID_RE.test(opts.appId)) {
      throw new Error(`appId must be "cli_" + 16 hex digits (the SDK's WSClient ignores anything else), got ${opts.appId}`);
    }
    if (!opts.appSecret) throw new Error('appSecret is required');
    this.opts = opts;
    this.appId = opts.appId;
    this.appSecret = opts.appSecret;
    this.encryptKey = opts.encryptKey || undefined;
    this.verificationToken = opts.verificationToken ?? '';
    this.tenantKey = opts.tenantKey ?? hex(8);
    this.now = opts.now ?? Date.now;
    this.wsConfig = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 2, ReconnectNonce: 1, ...opts.wsClientConfig };
    this.store = new Store(this.now, opts.tokenTtlSeconds ?? 7200);
    this.hub = new LongConnectionHub({
      getClientConfig: () => ({ ...this.wsConfig }),
      maxFramePayload: opts.wsMaxFramePayload ?? 0,
      now: this.now,
    });
    this.http = new FeishuHttpServer({
      appId: this.appId,
      appSecret: this.appSecret,
      tenantKey: this.tenantKey,
      store: this.store,
      hub: this.hub,
      now: this.now,
      onCall: (c) => this.recordCall(c),
      takeRateLimit: (req) => this.takeRateLimit(req),
      takeFault: (req) => this.takeFault(req),
    });
  }

  // ---- lifecycle ---------------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`emulator already ${this.state}`);
    const addr = await this.http.listen(this.opts.host ?? '127.0.0.1', this.opts.port ?? 0);
    this.state = 'started';
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.baseUrl = `http://${host}:${addr.port}`;
  }

  /** `http://127.0.0.1:PORT`: pass as `domain` to `lark.Client` / `lark.WSClient`. */
  get domain(): string {
    if (!this.baseUrl) throw new Error('FeishuEmulator not started: await emu.start() first');
    return this.baseUrl;
  }

  get port(): number {
    return Number(new URL(this.domain).port);
  }

  /**
   * Close the HTTP and WebSocket servers and every socket. Connected SDK WSClients are first told
   * (ReconnectCount 0) to give up after one failed reconnect, so even an unclosed client lets the
   * process exit. Pending `waitForCall`s and callbacks are rejected.
   */
  async stop(): Promise<void> {
    if (this.state !== 'started') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopped';
    await this.hub.close();
    await this.http.close();
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new Error('FeishuEmulator stopped'));
    }
    this.waiters.clear();
  }

  // ---- tokens & rate limits ------------------------------------------------------------------------

  /** Invalidate every tenant access token issued so far (API calls then get 99991663). */
  revokeTokens(): void {
    this.store.revokeTokens();
  }

  /**
   * Answer the next `times` matching requests with HTTP 429, code 99991400 and
   * `x-ogw-ratelimit-reset`. A string target is an exact path or a `:param` template
   * (e.g. `/open-apis/im/v1/messages/:message_id`); query strings are ignored.
   */
  rateLimitNext(target: RateLimitTarget, times = 1, opts: RateLimitOptions = {}): void {
    let match: (req: RateLimitRequest) => boolean;
    if (typeof target === 'function') match = target;
    else if (target instanceof RegExp) match = (r) => target.test(r.path);
    else {
      const { regex } = compilePathTemplate(target);
      match = (r) => regex.test(r.path);
    }
    this.rateLimits.push({ match, remaining: times, opts });
  }

  /**
   * Makes the next `times` matching requests fail at the network or server level: hang (no answer ever),
   * reset (the connection is destroyed) or a 5xx. Targets as in rateLimitNext.
   */
  faultNext(target: RateLimitTarget, fault: NetworkFault, times = 1): void {
    let match: (req: RateLimitRequest) => boolean;
    if (typeof target === 'function') match = target;
    else if (target instanceof RegExp) match = (r) => target.test(r.path);
    else {
      const { regex } = compilePathTemplate(target);
      match = (r) => regex.test(r.path);
    }
    this.faults.push({ match, remaining: times, fault });
  }

  clearFaults(): void {
    this.faults = [];
  }

  private takeFault(req: RateLimitRequest): NetworkFault | undefined {
    return takeRule(this.faults, req)?.fault;
  }

  clearRateLimits(): void {
    this.rateLimits = [];
  }

  private takeRateLimit(req: RateLimitRequest): RateLimitOptions | undefined {
    return takeRule(this.rateLimits, req)?.opts;
  }

  // ---- recorded calls ------------------------------------------------------------------------------

  private recordCall(c: Omit<RecordedCall, 'seq'>): void {
    const call: RecordedCall = { seq: this.calls.length + 1, ...c };
    this.calls.push(call);
    for (const w of this.waiters) {
      if (this.consumed.has(call)) break;
      let hit = false;
      try {
        hit = w.predicate(call);
      } catch {
        hit = false;
      }
      if (hit) {
        this.consumed.add(call);
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(call);
      }
    }
  }

  /** Calls matching a predicate or matcher (consumed or not). */
  callsTo(match: CallPredicate | CallMatcher): RecordedCall[] {
    const p = toPredicate(match);
    return this.calls.filter((c) => p(c));
  }

  /**
   * Resolve with the first recorded call matching `match` that no earlier `waitForCall` returned,
   * waiting for a future one if none; rejects after `timeoutMs` with a list of recent calls.
   */
  waitForCall(match: CallPredicate | CallMatcher, timeoutMs = 5000): Promise<RecordedCall> {
    const predicate = toPredicate(match);
    const existing = this.calls.find((c) => !this.consumed.has(c) && safe(predicate, c));
    if (existing) {
      this.consumed.add(existing);
      return Promise.resolve(existing);
    }
    if (this.state === 'stopped') return Promise.reject(new Error('FeishuEmulator stopped'));
    return new Promise<RecordedCall>((resolve, reject) => {
      const waiter: CallWaiter = {
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          const recent = this.calls
            .slice(-20)
            .map((c) => `  #${c.seq} ${c.method} ${c.path}${queryString(c.query)} -> ${c.status}${this.consumed.has(c) ? ' (consumed)' : ''}`)
            .join('\n');
          reject(
            new Error(
              `waitForCall: no matching call within ${timeoutMs} ms (${describeMatch(match)}).\n` +
                `Recent calls (${this.calls.length} total):\n${recent || '  (none)'}`,
            ),
          );
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  // ---- messages ------------------------------------------------------------------------------------

  /**
   * Messages in a chat, oldest first, with their current content. Thread replies
   * (`reply_in_thread`) are not shown in the main chat, like in Feishu, unless asked for.
   */
  messagesIn(chatId: string, opts: { includeThreadReplies?: boolean; includeDeleted?: boolean } = {}): FeishuMessage[] {
    return this.store
      .allRaw()
      .filter((m) => m.chatId === chatId)
      .filter((m) => opts.includeThreadReplies || !m.inThread)
      .filter((m) => opts.includeDeleted || !m.deleted)
      .map((m) => this.store.view(m));
  }

  /** One message with its current content; throws if unknown. */
  message(messageId: string): FeishuMessage {
    const m = this.store.getRaw(messageId);
    if (!m) throw new Error(`FeishuEmulator: no message ${messageId}`);
    return this.store.view(m);
  }

  hasMessage(messageId: string): boolean {
    return this.store.getRaw(messageId) !== undefined;
  }

  /** Every message, oldest first. */
  allMessages(): FeishuMessage[] {
    return this.store.allRaw().map((m) => this.store.view(m));
  }

  /** Replies under a message's root (thread and quote replies), oldest first. */
  threadOf(messageId: string): FeishuMessage[] {
    const m = this.store.getRaw(messageId);
    if (!m) throw new Error(`FeishuEmulator: no message ${messageId}`);
    const rootId = m.rootId ?? m.messageId;
    return this.store
      .allRaw()
      .filter((r) => r.rootId === rootId)
      .map((r) => this.store.view(r));
  }

  /** The p2p chat id the emulator assigned to messages sent to a user. */
  p2pChatOf(receiveId: string, receiveIdType: ReceiveIdType = 'open_id'): string | undefined {
    return this.store.p2pChatOf(receiveIdType, receiveId);
  }

  image(imageKey: string): UploadedImage | undefined {
    return this.store.images.get(imageKey);
  }

  images(): UploadedImage[] {
    return [...this.store.images.values()];
  }

  /** A file uploaded with im/v1/files, by its key (a `file` message carries the key). */
  file(fileKey: string): UploadedFile | undefined {
    return this.store.files.get(fileKey);
  }

  // ---- long connection -----------------------------------------------------------------------------

  /**
   * Resolves once `minClients` SDK WSClients are connected and ready (a client is ready once its
   * first ping arrived: the SDK attaches its frame listener only after the socket opened).
   */
  waitForWsClient(timeoutMs = 5000, minClients = 1): Promise<void> {
    return this.hub.waitForClient(timeoutMs, minClients);
  }

  get wsClients(): WsClientInfo[] {
    return this.hub.clients();
  }

  /** Simulate a gateway outage: while on, every new long connection is refused (503) and the SDK keeps retrying. */
  refuseConnections(refuse: boolean): void {
    this.hub.refusing = refuse;
  }

  /** Simulate a network drop: terminate every long connection (clients reconnect per ClientConfig). */
  dropConnections(): Promise<void> {
    return this.hub.dropAll({ allowReconnect: true });
  }

  // ---- callbacks -----------------------------------------------------------------------------------

  /** Where `via: 'http'` callbacks are POSTed (the app's "request URL"). */
  setCallbackUrl(url: string | undefined): void {
    this.callbackUrl = url;
  }

  /**
   * The `card.action.trigger` envelope Feishu would send for a click on `messageId`. Registers the
   * event's `token` for `/open-apis/interactive/v1/card/update` (30 minutes, 2 uses).
   */
  buildCardActionEvent(opts: Omit<ClickButtonOptions, 'via' | 'timeoutMs'>): CardActionEvent {
    const msg = this.store.getRaw(opts.messageId);
    if (!msg) throw new Error(`FeishuEmulator: no message ${opts.messageId} to click`);
    const operator: CardActionEvent['event']['operator'] = { tenant_key: this.tenantKey, open_id: opts.operator.open_id };
    if (opts.operator.user_id !== undefined) operator.user_id = opts.operator.user_id;
    if (opts.operator.union_id !== undefined) operator.union_id = opts.operator.union_id;
    const action: CardActionEvent['event']['action'] = { value: opts.value, tag: opts.tag ?? 'button' };
    if (opts.name !== undefined) action.name = opts.name;
    if (opts.formValue !== undefined) action.form_value = opts.formValue;
    return {
      schema: '2.0',
      header: {
        event_id: hex(16),
        token: this.verificationToken,
        create_time: String(this.now() * 1000),
        event_type: 'card.action.trigger',
        tenant_key: this.tenantKey,
        app_id: this.appId,
      },
      event: {
        operator,
        token: this.store.newCallbackToken(msg.messageId),
        action,
        host: 'im_message',
        context: { open_message_id: msg.messageId, open_chat_id: msg.chatId },
      },
    };
  }

  /** A schema 2.0 envelope for any event type (e.g. `im.message.receive_v1`). */
  buildEvent(eventType: string, event: JsonObject): EventEnvelope {
    return {
      schema: '2.0',
      header: {
        event_id: hex(16),
        token: this.verificationToken,
        create_time: String(this.now() * 1000),
        event_type: eventType,
        tenant_key: this.tenantKey,
        app_id: this.appId,
      },
      event,
    };
  }

  /**
   * Deliver an envelope to the app over the long connection (to exactly one connected client)
   * or by HTTP to the callback URL, and return the app's raw answer.
   */
  async deliverEvent(
    envelope: EventEnvelope | CardActionEvent,
    opts: { via?: 'ws' | 'http'; timeoutMs?: number } = {},
  ): Promise<DeliveryResult> {
    if (this.state !== 'started') throw new Error('FeishuEmulator not started');
    const via = opts.via ?? 'ws';
    const timeoutMs = opts.timeoutMs ?? this.opts.callbackTimeoutMs ?? 3000;
    if (via === 'ws') {
      const ack = await this.hub.deliver(JSON.stringify(envelope), timeoutMs);
      const text = ack.data ? Buffer.from(ack.data, 'base64').toString('utf8') : '';
      return { via, status: ack.code, text, json: parseJson(text) };
    }
    if (!this.callbackUrl) throw new Error('FeishuEmulator: setCallbackUrl(url) before delivering via http');
    const req = this.buildSignedCallback(envelope);
    const res = await postRaw(this.callbackUrl, req, timeoutMs);
    return { via, status: res.status, text: res.text, json: parseJson(res.text) };
  }

  /** Build and deliver a schema 2.0 event of any type. */
  pushEvent(
    eventType: string,
    event: JsonObject,
    opts: { via?: 'ws' | 'http'; timeoutMs?: number } = {},
  ): Promise<DeliveryResult> {
    return this.deliverEvent(this.buildEvent(eventType, event), opts);
  }

  /**
   * A user clicks a button (or submits a form) on a card: delivers `card.action.trigger` and
   * resolves with the app's answer (`{}` if it answered nothing). A `card` of type `raw` or
   * `template` in the answer replaces the stored card, as Feishu does. Rejects with
   * {@link FeishuCallbackError} when the app fails, times out or answers something Feishu rejects.
   */
  async clickButton(opts: ClickButtonOptions): Promise<CardActionResponse> {
    const msg = this.store.getRaw(opts.messageId);
    if (!msg) throw new Error(`FeishuEmulator: no message ${opts.messageId} to click`);
    if (msg.msgType !== 'interactive') throw new Error(`FeishuEmulator: message ${opts.messageId} is not a card`);
    if (msg.deleted) throw new Error(`FeishuEmulator: message ${opts.messageId} was recalled`);
    const event = this.buildCardActionEvent(opts);
    const via = opts.via ?? 'ws';
    const record: CardCallbackRecord = { at: this.now(), via, messageId: msg.messageId, event };
    this.cardCallbacks.push(record);
    try {
      let result: DeliveryResult;
      try {
        result = await this.deliverEvent(event, { via, timeoutMs: opts.timeoutMs });
      } catch (err) {
        throw new FeishuCallbackError(`card callback not answered: ${(err as Error).message}`);
      }
      record.result = result;
      const response = this.interpretCardResponse(result);
      record.response = response;
      if (response.card) {
        const card = response.card.type === 'raw' ? response.card.data : { type: 'template', data: response.card.data };
        this.store.replaceCard(msg.messageId, card, 'callback');
      }
      return response;
    } catch (err) {
      record.error = (err as Error).message;
      throw err;
    }
  }

  private interpretCardResponse(result: DeliveryResult): CardActionResponse {
    if (result.status !== 200) {
      throw new FeishuCallbackError(
        `the app answered the card callback with ${result.via === 'ws' ? 'ACK code' : 'HTTP status'} ${result.status}` +
          (result.text ? `: ${result.text.slice(0, 300)}` : ''),
        result,
      );
    }
    if (result.text.trim() === '') return {};
    if (!isObject(result.json)) {
      throw new FeishuCallbackError(`invalid card callback answer (not a JSON object): ${result.text.slice(0, 300)}`, result);
    }
    const response = result.json as CardActionResponse;
    if (response.toast !== undefined) {
      const t: unknown = response.toast;
      if (!isObject(t) || typeof t['type'] !== 'string' || !TOAST_TYPES.has(t['type']) || typeof t['content'] !== 'string') {
        throw new FeishuCallbackError(`invalid toast in card callback answer: ${JSON.stringify(t)}`, result);
      }
    }
    if (response.card !== undefined) {
      const c: unknown = response.card;
      if (!isObject(c) || (c['type'] !== 'raw' && c['type'] !== 'template') || !isObject(c['data'])) {
        throw new FeishuCallbackError(`invalid card in card callback answer: ${JSON.stringify(c).slice(0, 300)}`, result);
      }
      try {
        this.store.validateCard(c['type'] === 'raw' ? c['data'] : { type: 'template', data: c['data'] });
      } catch (err) {
        throw new FeishuCallbackError(`invalid card in card callback answer: ${(err as Error).message}`, result);
      }
    }
    return response;
  }

  // ---- raw HTTP callback helpers -------------------------------------------------------------------

  /**
   * Exactly the request Feishu would POST for `event` (encrypted + signed with the emulator's
   * Encrypt Key unless overridden). Use with {@link postRaw} for forged / replayed requests.
   */
  buildSignedCallback(event: unknown, opts: SignOptions = {}): SignedCallback {
    const key = opts.encryptKey === false ? undefined : (opts.encryptKey ?? this.encryptKey);
    return buildSignedRequest(event, { encryptKey: key, timestamp: opts.timestamp, nonce: opts.nonce });
  }

  /** POST exactly these headers and body to `url`. */
  postRaw(url: string, req: SignedCallback | { headers?: Record<string, string>; body: string | Buffer }): Promise<RawResponse> {
    return postRaw(url, req);
  }
}

// ---- helpers ---------------------------------------------------------------------------------------

function toPredicate(match: CallPredicate | CallMatcher): CallPredicate {
  if (typeof match === 'function') return match;
  const pathRe =
    match.path === undefined ? undefined : match.path instanceof RegExp ? match.path : compilePathTemplate(match.path).regex;
  return (c) =>
    (match.method === undefined || c.method === match.method.toUpperCase()) &&
    (pathRe === undefined || pathRe.test(c.path)) &&
    (match.status === undefined || c.status === match.status);
}

function describeMatch(match: CallPredicate | CallMatcher): string {
  if (typeof match === 'function') return `predicate ${match.name || match.toString().slice(0, 120)}`;
  return `matcher ${JSON.stringify({ ...match, path: match.path instanceof RegExp ? String(match.path) : match.path })}`;
}

function safe(p: CallPredicate, c: RecordedCall): boolean {
  try {
    return p(c);
  } catch {
    return false;
  }
}

function queryString(q: Record<string, string>): string {
  const s = new URLSearchParams(q).toString();
  return s ? `?${s}` : '';
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Random `ou_…` open_id, handy for operators in tests. */
export function randomOpenId(): string {
  return 'ou_' + randomBytes(16).toString('hex');
}

/** Random `oc_…` chat id. */
export function randomChatId(): string {
  return 'oc_' + randomBytes(16).toString('hex');
}

/** The first rule matching `req` that has uses left, one use taken (rules used up are removed from `rules`). */
function takeRule<R extends { remaining: number; match: (req: RateLimitRequest) => boolean }>(rules: R[], req: RateLimitRequest): R | undefined {
  const i = rules.findIndex((r) => r.remaining > 0 && r.match(req));
  if (i < 0) return undefined;
  const rule = rules[i]!;
  if (--rule.remaining === 0) rules.splice(i, 1);
  return rule;
}
