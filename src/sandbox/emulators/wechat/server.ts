/**
 * A fake WeChat official-account platform: the server API the bot calls (access token, customer-service
 * and template messages, with WeChat's error codes and its 48-hour / 5-message rule) and the pushes
 * WeChat makes to the bot's server URL (signed, encrypted in safe mode), including forged, stale and
 * replayed ones. Plain node:http on 127.0.0.1; no test framework needed, so it also serves sandbox runs.
 *
 * ```ts
 * const wx = new WechatEmulator({ appId, appSecret, token, aesKey, templates: ['tpl_resolution'] });
 * await wx.start();                    // API at wx.apiBase → WECHAT_API_BASE
 * wx.botUrl = `http://127.0.0.1:${port}/wechat/official-account`;
 * const user = wx.user();              // a follower with an openid
 * await user.say('投诉');              // a signed (and encrypted) push
 * const reply = await user.nextMessage(); // what the bot sent back through custom/send
 * ```
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { sealForApp, wechatSign } from './crypto.ts';

export interface WechatEmulatorOptions {
  appId: string;
  appSecret: string;
  /** The server Token configured in the admin console: pushes are signed with it. */
  token: string;
  /** EncodingAESKey: set = safe mode, pushes are encrypted. */
  aesKey?: string;
  /** Template ids that exist; template/send with another id fails with 40037. */
  templates?: string[];
  /** Access token lifetime (WeChat: 7200 s). */
  tokenTtlSeconds?: number;
  /** The emulator's clock (token expiry, the 48-hour window, push timestamps). */
  now?: () => Date;
}

export interface RecordedCall {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  response: { errcode: number; errmsg: string; [k: string]: unknown };
  at: Date;
}

export interface SentMessage {
  kind: 'custom' | 'template';
  openId: string;
  /** The text of a customer-service message. */
  text?: string;
  /** A template message's id, fields and link. */
  templateId?: string;
  data?: Record<string, string>;
  url?: string;
  at: Date;
}

export interface PushOptions {
  /** Override the push's timestamp (seconds); default now. */
  timestamp?: number;
  nonce?: string;
  /** Replace the URL signature (a forgery). */
  signature?: string;
  /** Replace msg_signature (safe mode). */
  msgSignature?: string;
  /** Encrypt the body (default: when the emulator has an aesKey). */
  encrypt?: boolean;
  /** Seal the encrypted body for this appid instead of the account's. */
  sealAppId?: string;
  /** Send exactly this body (after signing the URL as usual). */
  rawBody?: string | Buffer;
  /** Leave the signature parameters out altogether. */
  unsigned?: boolean;
}

export interface PushRequest {
  url: string;
  body: string | Buffer;
}

export interface PushResult {
  status: number;
  text: string;
  request: PushRequest;
}

interface IssuedToken {
  expiresAt: number;
  revoked: boolean;
}

/** What WeChat allows after a user action: 5 messages in 48 h after a message; 3 in 1 minute after following. */
interface UserWindow {
  lastMessageAt: number;
  sent: number;
  limit: number;
  durationMs: number;
}

type Waiter = { match: (m: SentMessage) => boolean; resolve: (m: SentMessage) => void };

const WINDOW_MS = 48 * 3_600_000;
const WINDOW_MESSAGES = 5;
const FOLLOW_WINDOW_MS = 60_000;
const FOLLOW_MESSAGES = 3;

export class WechatEmulator {
  readonly calls: RecordedCall[] = [];
  readonly messages: SentMessage[] = [];
  /** Where pushes go: the bot's server URL. */
  botUrl = '';
  private server: Server | undefined;
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly windows = new Map<string, UserWindow>();
  private readonly followers = new Set<string>();
  private readonly failures: { path: string; errcode: number; errmsg: string; times: number }[] = [];
  private waiters: Waiter[] = [];
  private seq = 0;
  private msgIds = 7_000_000_000_000_000n;
  private readonly now: () => Date;

  constructor(readonly opts: WechatEmulatorOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    await new Promise<void>((resolve) => {
      this.server!.close(() => resolve());
      this.server!.closeAllConnections();
    });
    this.server = undefined;
  }

  /** The API root to give the bot as WECHAT_API_BASE. */
  get apiBase(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** Access tokens handed out so far. */
  get tokensIssued(): number {
    return this.tokens.size;
  }

  /** Every issued token becomes invalid (40001), as when someone else fetched a new one. */
  revokeTokens(): void {
    for (const t of this.tokens.values()) t.revoked = true;
  }

  /** Every issued token is expired (42001). */
  expireTokens(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
  }

  /** The next `times` calls to `path` fail with `errcode`. */
  failNext(path: string, errcode: number, errmsg = 'emulated failure', times = 1): void {
    this.failures.push({ path, errcode, errmsg, times });
  }

  /** The user's 48-hour window as WeChat counts it. */
  windowOf(openId: string): { open: boolean; sent: number; lastMessageAt: Date | null; limit: number; closesAt: Date | null } {
    const w = this.windows.get(openId);
    if (!w) return { open: false, sent: 0, lastMessageAt: null, limit: WINDOW_MESSAGES, closesAt: null };
    return {
      open: this.now().getTime() - w.lastMessageAt < w.durationMs && w.sent < w.limit,
      sent: w.sent,
      lastMessageAt: new Date(w.lastMessageAt),
      limit: w.limit,
      closesAt: new Date(w.lastMessageAt + w.durationMs),
    };
  }

  /** As if 48 hours had passed since the user last wrote. */
  expireWindow(openId: string): void {
    const w = this.windows.get(openId);
    if (w) w.lastMessageAt = this.now().getTime() - w.durationMs - 1000;
  }

  messagesTo(openId: string): SentMessage[] {
    return this.messages.filter((m) => m.openId === openId);
  }

  /** Resolves with the first message (already sent or coming) that matches. */
  waitForMessage(match: (m: SentMessage) => boolean, timeoutMs = 5000): Promise<SentMessage> {
    const found = this.messages.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { match, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        if (!this.waiters.includes(waiter)) return;
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching WeChat message within ${timeoutMs} ms; sent so far:\n${this.messages.map((m) => `  ${m.openId}: ${m.text ?? m.templateId}`).join('\n')}`));
      }, timeoutMs);
    });
  }

  /** A follower of the account. */
  user(openId = `o${randomBytes(14).toString('base64url').slice(0, 27)}`): EmulatedUser {
    this.followers.add(openId);
    return new EmulatedUser(this, openId);
  }

  /** The emulator's clock in seconds, as WeChat writes CreateTime and timestamps. */
  nowSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  nextMsgId(): string {
    this.msgIds += 1n;
    return this.msgIds.toString();
  }

  /** The user wrote: WeChat opens their window (whether or not the bot answers the push). */
  noteUserMessage(openId: string): void {
    this.followers.add(openId);
    this.windows.set(openId, { lastMessageAt: this.now().getTime(), sent: 0, limit: WINDOW_MESSAGES, durationMs: WINDOW_MS });
  }

  /** The user followed the account: 3 messages within a minute (a longer message window stays as it is). */
  noteFollow(openId: string): void {
    this.followers.add(openId);
    const w = this.windows.get(openId);
    if (w && this.now().getTime() - w.lastMessageAt < w.durationMs && w.sent < w.limit) return;
    this.windows.set(openId, { lastMessageAt: this.now().getTime(), sent: 0, limit: FOLLOW_MESSAGES, durationMs: FOLLOW_WINDOW_MS });
  }

  /** Builds the signed (and, in safe mode, encrypted) push WeChat would POST for these fields. */
  buildPush(fields: Record<string, string | number>, opts: PushOptions = {}): PushRequest {
    const timestamp = String(opts.timestamp ?? Math.floor(this.now().getTime() / 1000));
    const nonce = opts.nonce ?? String(Math.floor(Math.random() * 1e10));
    const xml = toXml(fields);
    const encrypt = opts.encrypt ?? Boolean(this.opts.aesKey);
    const query = new URLSearchParams();
    let body: string | Buffer = xml;
    if (!opts.unsigned) {
      query.set('signature', opts.signature ?? wechatSign([this.opts.token, timestamp, nonce]));
      query.set('timestamp', timestamp);
      query.set('nonce', nonce);
    }
    if (typeof fields.FromUserName === 'string') query.set('openid', fields.FromUserName);
    if (encrypt) {
      if (!this.opts.aesKey) throw new Error('encrypt needs the emulator to have an aesKey');
      const sealed = sealForApp(this.opts.aesKey, xml, opts.sealAppId ?? this.opts.appId);
      query.set('encrypt_type', 'aes');
      query.set('msg_signature', opts.msgSignature ?? wechatSign([this.opts.token, timestamp, nonce, sealed]));
      body = toXml({ ToUserName: String(fields.ToUserName ?? 'gh_emulated'), Encrypt: sealed });
    }
    if (opts.rawBody !== undefined) body = opts.rawBody;
    return { url: `${this.botUrl}?${query.toString()}`, body };
  }

  async push(fields: Record<string, string | number>, opts: PushOptions = {}): Promise<PushResult> {
    return this.send(this.buildPush(fields, opts));
  }

  /** POSTs a request again, exactly (a replay or WeChat's own retry), or with another body. */
  async send(request: PushRequest, body: string | Buffer = request.body): Promise<PushResult> {
    if (!this.botUrl) throw new Error('set botUrl to the bot server URL first');
    const response = await fetch(request.url, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': 'text/xml' } });
    return { status: response.status, text: await response.text(), request: { url: request.url, body } };
  }

  /** WeChat's URL check when the server URL is saved in the admin console. */
  async verifyUrl(opts: { echostr?: string; signature?: string; timestamp?: number } = {}): Promise<{ status: number; text: string }> {
    const timestamp = String(opts.timestamp ?? Math.floor(this.now().getTime() / 1000));
    const nonce = String(Math.floor(Math.random() * 1e10));
    const query = new URLSearchParams({ signature: opts.signature ?? wechatSign([this.opts.token, timestamp, nonce]), timestamp, nonce, echostr: opts.echostr ?? randomBytes(9).toString('hex') });
    const response = await fetch(`${this.botUrl}?${query.toString()}`);
    return { status: response.status, text: await response.text() };
  }

  // ---- the server API ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    let body: unknown;
    let response: RecordedCall['response'];
    try {
      const raw = await readAll(req);
      body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
      response = this.dispatch(req.method ?? 'GET', url.pathname, query, body);
    } catch {
      response = { errcode: 47001, errmsg: 'data format error' };
    }
    this.calls.push({ seq: ++this.seq, method: req.method ?? 'GET', path: url.pathname, query, body, response, at: this.now() });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(response));
  }

  private dispatch(method: string, path: string, query: Record<string, string>, body: unknown): RecordedCall['response'] {
    const failure = this.failures.find((f) => f.path === path && f.times > 0);
    if (failure) {
      failure.times--;
      return { errcode: failure.errcode, errmsg: failure.errmsg };
    }
    if (path === '/cgi-bin/token' && method === 'GET') return this.issueToken(query);
    const tokenProblem = this.checkToken(query.access_token);
    if (path === '/cgi-bin/message/custom/send' && method === 'POST') return tokenProblem ?? this.customSend(body);
    if (path === '/cgi-bin/message/template/send' && method === 'POST') return tokenProblem ?? this.templateSend(body);
    return { errcode: 40066, errmsg: 'invalid url' };
  }

  private issueToken(query: Record<string, string>): RecordedCall['response'] {
    if (query.grant_type !== 'client_credential') return { errcode: 40002, errmsg: 'invalid grant_type' };
    if (query.appid !== this.opts.appId) return { errcode: 40013, errmsg: 'invalid appid' };
    if (query.secret !== this.opts.appSecret) return { errcode: 40125, errmsg: 'invalid appsecret' };
    const ttl = this.opts.tokenTtlSeconds ?? 7200;
    const token = `ACCESS_${randomBytes(24).toString('hex')}`;
    this.tokens.set(token, { expiresAt: this.now().getTime() + ttl * 1000, revoked: false });
    return { errcode: 0, errmsg: 'ok', access_token: token, expires_in: ttl };
  }

  private checkToken(token: string | undefined): RecordedCall['response'] | undefined {
    const issued = token ? this.tokens.get(token) : undefined;
    if (!issued || issued.revoked) return { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' };
    if (issued.expiresAt <= this.now().getTime()) return { errcode: 42001, errmsg: 'access_token expired' };
    return undefined;
  }

  private customSend(body: unknown): RecordedCall['response'] {
    const b = body as { touser?: unknown; msgtype?: unknown; text?: { content?: unknown } } | undefined;
    if (typeof b?.touser !== 'string' || !this.followers.has(b.touser)) return { errcode: 40003, errmsg: 'invalid openid' };
    if (b.msgtype !== 'text') return { errcode: 40008, errmsg: 'invalid message type' };
    if (typeof b.text?.content !== 'string' || !b.text.content) return { errcode: 44004, errmsg: 'empty content' };
    const w = this.windows.get(b.touser);
    if (!w || this.now().getTime() - w.lastMessageAt >= w.durationMs) return { errcode: 45015, errmsg: 'response out of time limit or subscription is canceled' };
    if (w.sent >= w.limit) return { errcode: 45047, errmsg: 'out of response count limit' };
    w.sent++;
    this.record({ kind: 'custom', openId: b.touser, text: b.text.content, at: this.now() });
    return { errcode: 0, errmsg: 'ok' };
  }

  private templateSend(body: unknown): RecordedCall['response'] {
    const b = body as { touser?: unknown; template_id?: unknown; url?: unknown; data?: unknown } | undefined;
    if (typeof b?.touser !== 'string' || !this.followers.has(b.touser)) return { errcode: 40003, errmsg: 'invalid openid' };
    if (typeof b.template_id !== 'string' || !(this.opts.templates ?? []).includes(b.template_id)) return { errcode: 40037, errmsg: 'invalid template_id' };
    if (typeof b.data !== 'object' || b.data === null) return { errcode: 47001, errmsg: 'data format error' };
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries(b.data as Record<string, unknown>)) {
      const value = (v as { value?: unknown } | null)?.value;
      if (typeof value !== 'string') return { errcode: 47001, errmsg: 'data format error' };
      data[k] = value;
    }
    this.record({ kind: 'template', openId: b.touser, templateId: b.template_id, data, ...(typeof b.url === 'string' ? { url: b.url } : {}), at: this.now() });
    return { errcode: 0, errmsg: 'ok', msgid: Number(this.nextMsgId().slice(-9)) };
  }

  private record(message: SentMessage): void {
    this.messages.push(message);
    const ready = this.waiters.filter((w) => w.match(message));
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(message);
  }
}

/** A follower of the official account: writes to it, and reads what the bot sends back. */
export class EmulatedUser {
  private cursor = 0;

  constructor(
    readonly emulator: WechatEmulator,
    readonly openId: string,
  ) {}

  private fields(extra: Record<string, string | number>): Record<string, string | number> {
    return { ToUserName: 'gh_emulated0001', FromUserName: this.openId, CreateTime: this.emulator.nowSeconds(), ...extra };
  }

  /** A text message; `msgId` lets a test send the same message twice. */
  async say(text: string, opts: PushOptions & { msgId?: string } = {}): Promise<PushResult> {
    this.emulator.noteUserMessage(this.openId);
    return this.emulator.push(this.fields({ MsgType: 'text', Content: text, MsgId: opts.msgId ?? this.emulator.nextMsgId() }), opts);
  }

  async sendImage(mediaId = `media_${randomBytes(8).toString('hex')}`, opts: PushOptions = {}): Promise<PushResult> {
    this.emulator.noteUserMessage(this.openId);
    return this.emulator.push(this.fields({ MsgType: 'image', PicUrl: `http://mmbiz.example/${mediaId}`, MediaId: mediaId, MsgId: this.emulator.nextMsgId() }), opts);
  }

  async follow(opts: PushOptions = {}): Promise<PushResult> {
    this.emulator.noteFollow(this.openId);
    return this.emulator.push(this.fields({ MsgType: 'event', Event: 'subscribe' }), opts);
  }

  /** What the bot has sent this user (customer-service and template messages). */
  received(): SentMessage[] {
    return this.emulator.messagesTo(this.openId);
  }

  /** The next message the bot sends this user, in order. */
  async nextMessage(timeoutMs = 5000): Promise<SentMessage> {
    const index = this.cursor;
    const message = await this.emulator.waitForMessage((m) => m.openId === this.openId && this.emulator.messagesTo(this.openId).indexOf(m) >= index, timeoutMs);
    this.cursor = this.emulator.messagesTo(this.openId).indexOf(message) + 1;
    return message;
  }

  /** Skips everything received so far. */
  skipReceived(): void {
    this.cursor = this.received().length;
  }
}

function toXml(fields: Record<string, string | number>): string {
  const inner = Object.entries(fields)
    .map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}><![CDATA[${v.split(']]>').join(']]]]><![CDATA[>')}]]></${k}>`))
    .join('\n');
  return `<xml>\n${inner}\n</xml>`;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
