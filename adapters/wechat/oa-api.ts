/**
 * The official account's server API (WECHAT_API_BASE, default https://api.weixin.qq.com): the access
 * token, customer-service messages and template messages. The token is cached in memory and in the
 * database (shared by instances), refreshed 5 minutes before it expires and whenever WeChat calls it
 * invalid or expired (40001, 40014, 42001), in which case the call is made once more with the new token.
 */
import { PlatformError } from '../../src/delivery/ports.ts';
import type { ApiTokenStore, StoredToken } from '../../src/store/api-token-store.ts';
import type { Logger } from '../../src/logger.ts';

/** WeChat answered with a non-zero errcode: the call reached WeChat and was refused. */
export class WechatApiError extends PlatformError {
  constructor(
    method: string,
    readonly errcode: number,
    errmsg: string,
    opts: PlatformError['opts'],
  ) {
    super('wechat', method, `errcode ${errcode}: ${errmsg}`, opts);
    this.name = 'WechatApiError';
  }
}

/** Errors that say the customer's window is closed: 45015 (48 hours passed), 45047 (5 messages used). */
export const WINDOW_CLOSED = new Set([45015, 45047]);
const TOKEN_REJECTED = new Set([40001, 40014, 42001]);
/** Busy or over a rate limit: try later. */
const TRY_LATER: Record<number, number> = { [-1]: 5_000, 45009: 10 * 60_000, 45011: 60_000 };
const REFRESH_MARGIN_MS = 5 * 60_000;

export interface OfficialAccountApiOptions {
  appId: string;
  appSecret: string;
  apiBase: string;
  tokens: ApiTokenStore;
  now: () => Date;
  log: Logger;
  timeoutMs?: number;
}

interface WechatReply {
  errcode?: number;
  errmsg?: string;
  [key: string]: unknown;
}

export class OfficialAccountApi {
  private cached: StoredToken | undefined;
  private refreshing: Promise<StoredToken> | undefined;
  private tokenFailure: { until: number; detail: string } | undefined;
  /** Token fetches from WeChat by this instance (WeChat allows 2,000 a day). */
  tokenFetches = 0;

  constructor(private readonly opts: OfficialAccountApiOptions) {}

  private get tokenKey(): string {
    return `wechat-oa:${this.opts.appId}`;
  }

  /** A valid access token; `rejected` is one WeChat just refused, which must not be handed out again. */
  async accessToken(rejected?: string): Promise<string> {
    const usable = (s: StoredToken | null | undefined): s is StoredToken => !!s && s.token !== rejected && s.expiresAt.getTime() - REFRESH_MARGIN_MS > this.opts.now().getTime();
    if (usable(this.cached)) return this.cached.token;
    this.refreshing ??= (async () => {
      const stored = await this.opts.tokens.get(this.tokenKey);
      if (usable(stored)) return stored;
      return this.opts.tokens.refresh(this.tokenKey, usable, () => this.fetchToken(), this.opts.now());
    })().finally(() => {
      this.refreshing = undefined;
    });
    this.cached = await this.refreshing;
    return this.cached.token;
  }

  private async fetchToken(): Promise<StoredToken> {
    const url = new URL('/cgi-bin/token', this.opts.apiBase);
    url.search = new URLSearchParams({ grant_type: 'client_credential', appid: this.opts.appId, secret: this.opts.appSecret }).toString();
    this.tokenFetches++;
    const reply = await this.request('token', url, undefined);
    const token = reply.access_token;
    const expiresIn = Number(reply.expires_in);
    if (typeof token !== 'string' || !token || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      this.opts.log.error({ errcode: reply.errcode, errmsg: reply.errmsg }, 'WeChat refused the access token: check WECHAT_OA_APP_ID, WECHAT_OA_APP_SECRET and the IP whitelist');
      throw new WechatApiError('token', reply.errcode ?? -2, reply.errmsg ?? 'no access_token in the answer', { retryable: true, retryAfterMs: 60_000 });
    }
    this.opts.log.info({ expiresIn }, 'WeChat access token fetched');
    return { token, expiresAt: new Date(this.opts.now().getTime() + expiresIn * 1000) };
  }

  /**
   * For /readyz: an access token is obtainable (cached, or fetched now). A failure is remembered for
   * 30 s, so a probe every few seconds does not spend WeChat's 2,000 token fetches a day.
   */
  async ready(): Promise<{ ok: boolean; detail?: string }> {
    const now = this.opts.now().getTime();
    if (this.tokenFailure && now < this.tokenFailure.until) return { ok: false, detail: this.tokenFailure.detail };
    try {
      await this.accessToken();
      this.tokenFailure = undefined;
      return { ok: true, detail: 'access token obtainable' };
    } catch (error) {
      const detail = `no access token: ${error instanceof Error ? error.message : String(error)}`;
      this.tokenFailure = { until: now + 30_000, detail };
      return { ok: false, detail };
    }
  }

  /** Sends a customer-service text (counts against the customer's 48-hour window). */
  async sendCustomText(openId: string, text: string): Promise<void> {
    await this.call('custom/send', '/cgi-bin/message/custom/send', { touser: openId, msgtype: 'text', text: { content: text } });
  }

  /** Sends a template message (not limited by the window). */
  async sendTemplate(openId: string, template: { id: string; url?: string; data: Record<string, string> }): Promise<void> {
    const data = Object.fromEntries(Object.entries(template.data).map(([k, value]) => [k, { value }]));
    await this.call('template/send', '/cgi-bin/message/template/send', { touser: openId, template_id: template.id, ...(template.url ? { url: template.url } : {}), data });
  }

  private async call(method: string, path: string, body: object): Promise<WechatReply> {
    let token = await this.accessToken();
    for (let attempt = 0; ; attempt++) {
      const url = new URL(path, this.opts.apiBase);
      url.search = new URLSearchParams({ access_token: token }).toString();
      const reply = await this.request(method, url, body);
      const errcode = reply.errcode ?? 0;
      if (errcode === 0) return reply;
      if (TOKEN_REJECTED.has(errcode) && attempt === 0) {
        this.opts.log.info({ errcode }, 'WeChat rejected the access token; fetching a new one');
        token = await this.accessToken(token);
        continue;
      }
      throw toApiError(method, errcode, reply.errmsg ?? '');
    }
  }

  private async request(method: string, url: URL, body: object | undefined): Promise<WechatReply> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: body ? 'POST' : 'GET',
        ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json; charset=utf-8' } } : {}),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new PlatformError('wechat', method, `network: ${error instanceof Error ? error.message : String(error)}`, { retryable: true, cause: error });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) throw new PlatformError('wechat', method, `HTTP ${response.status}`, { retryable: response.status >= 500 || response.status === 429, rateLimited: response.status === 429 });
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed === 'object' && parsed !== null) return parsed as WechatReply;
    } catch {
      // fall through
    }
    throw new PlatformError('wechat', method, `unreadable answer: ${text.slice(0, 200)}`, { retryable: true });
  }
}

function toApiError(method: string, errcode: number, errmsg: string): WechatApiError {
  if (WINDOW_CLOSED.has(errcode)) return new WechatApiError(method, errcode, errmsg, { retryable: false, hold: true });
  if (errcode in TRY_LATER) return new WechatApiError(method, errcode, errmsg, { retryable: true, retryAfterMs: TRY_LATER[errcode], rateLimited: errcode !== -1 });
  if (TOKEN_REJECTED.has(errcode)) return new WechatApiError(method, errcode, errmsg, { retryable: true, retryAfterMs: 5_000 });
  // 40003 wrong openid, 43004 unfollowed, 40037 wrong template id, 45002 too long…: sending again will not help
  return new WechatApiError(method, errcode, errmsg, { retryable: false });
}
