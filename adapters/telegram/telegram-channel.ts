/**
 * The Telegram channel on grammY: long polling by default, a webhook with a secret token when
 * TELEGRAM_WEBHOOK_URL is set. Decodes updates for the app, sends its texts and downloads the customer's
 * files (CustomerChannelPort).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { Bot, GrammyError, HttpError, InlineKeyboard } from 'grammy';
import type { Update } from 'grammy/types';
import { sequentialize } from '@grammyjs/runner';
import { HttpRefusal, readRequestBody } from '../../src/http/body.ts';
import { LosslessPolling } from './polling.ts';
import { PollingLeader } from './polling-leader.ts';
import type { CustomerInbound } from '../../src/app/shared/inbound.ts';
import type { TextButton } from '../../src/app/shared/outbox.ts';
import { FILE_TOO_BIG, PlatformError, type CustomerChannelPort, type DownloadedFile } from '../../src/delivery/ports.ts';
import type { Logger } from '../../src/logger.ts';
import { decodeUpdate } from './decode.ts';

export interface TelegramChannelOptions {
  token: string;
  apiRoot?: string;
  /** Largest file `downloadFile` fetches (default 10 MB: what Feishu takes as an image). */
  maxDownloadBytes?: number;
  webhook?: { url: string; secret: string };
  /**
   * Several instances on one PostgreSQL: only the holder of an advisory lock there polls (the URL of that
   * database). Unset (PGlite, one instance): this instance polls.
   */
  pollingLock?: { url: string; retryMs?: number };
  /** Updates handled at once across chats (one chat's updates are always handled in order). */
  concurrency?: number;
  /** Deadline of every Bot API call but getUpdates (default 15 s). */
  callTimeoutMs?: number;
  log: Logger;
  /** The app's entry point; errors are caught here and answered in `onError`. */
  onMessage: (inbound: CustomerInbound) => Promise<void>;
  /** Text sent to the customer when handling failed (already in the customer's language, if known). */
  errorText: (inbound: CustomerInbound) => string;
}

export class TelegramChannel implements CustomerChannelPort {
  readonly bot: Bot;
  private webhookReady = false;
  private polling: LosslessPolling | undefined;
  private leader: PollingLeader | undefined;

  constructor(private readonly opts: TelegramChannelOptions) {
    this.bot = new Bot(opts.token, { client: { ...(opts.apiRoot ? { apiRoot: opts.apiRoot } : {}), timeoutSeconds: 60 } });
    // Every call but the long poll gets its own deadline: a Telegram that never answers fails the call
    // (retried by the outbox) instead of holding a chat's lane for the client's 60 s.
    const callTimeoutMs = opts.callTimeoutMs ?? 15_000;
    this.bot.api.config.use((prev, method, payload, signal) =>
      // grammY types its signal as the abort-controller polyfill's; the native one is what node-fetch gets either way.
      prev(method, payload, (method === 'getUpdates' ? signal : signal ? AbortSignal.any([signal as unknown as AbortSignal, AbortSignal.timeout(callTimeoutMs)]) : AbortSignal.timeout(callTimeoutMs)) as never),
    );
    // One chat's updates in order, different chats at once (polling hands several out concurrently).
    this.bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));
    this.bot.use(async (ctx) => {
      let inbound: CustomerInbound | null;
      try {
        inbound = decodeUpdate(ctx.update);
      } catch (error) {
        // An update of a shape the decoder does not expect (a message without chat…): acknowledged and logged.
        opts.log.warn({ err: error, update: ctx.update.update_id }, 'Telegram: an update the bot cannot read was skipped');
        return;
      }
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch((e: unknown) => opts.log.warn({ err: String(e) }, 'answerCallbackQuery failed'));
      if (!inbound) return;
      try {
        await opts.onMessage(inbound);
      } catch (error) {
        opts.log.error({ err: error, platform: 'telegram', update: ctx.update.update_id }, 'handling a Telegram update failed');
        await this.sendText(inbound.chatId, opts.errorText(inbound)).catch(() => {});
      }
    });
    this.bot.catch((err) => opts.log.error({ err: err.error, update: err.ctx.update.update_id }, 'grammY handler error'));
  }

  /** Webhook path (from TELEGRAM_WEBHOOK_URL) to mount on the HTTP server, or undefined for long polling. */
  get webhookPath(): string | undefined {
    return this.opts.webhook ? new URL(this.opts.webhook.url).pathname : undefined;
  }

  async start(): Promise<void> {
    await this.bot.init();
    if (this.opts.webhook) {
      await this.bot.api.setWebhook(this.opts.webhook.url, { secret_token: this.opts.webhook.secret });
      this.webhookReady = true;
      this.opts.log.info({ url: this.opts.webhook.url }, 'Telegram: webhook set');
      return;
    }
    await this.bot.api.deleteWebhook();
    if (!this.opts.pollingLock) return this.startPolling();
    this.leader = new PollingLeader({
      url: this.opts.pollingLock.url,
      name: String(this.bot.botInfo.id),
      log: this.opts.log,
      retryMs: this.opts.pollingLock.retryMs,
      onElected: () => this.startPolling(),
      onDeposed: () => this.stopPolling(),
    });
    await this.leader.start();
    if (!this.leader.isLeader) this.opts.log.info('Telegram: another instance polls; this one takes over if it stops');
  }

  /** For /readyz: the webhook is set, this instance's polling loop runs, or another instance holds the polling lock. */
  ready(): { ok: boolean; detail?: string } {
    if (this.opts.webhook) return this.webhookReady ? { ok: true, detail: 'webhook set' } : { ok: false, detail: 'webhook not set yet' };
    if (this.polling?.running) return { ok: true, detail: 'long polling' };
    if (this.leader && !this.leader.isLeader) return { ok: true, detail: 'standby: another instance polls' };
    return { ok: false, detail: this.polling ? 'long polling stopped' : 'not started' };
  }

  /** True while this instance's polling loop runs (or the webhook is set). */
  get receiving(): boolean {
    return this.webhookReady || Boolean(this.polling?.running);
  }

  private async startPolling(): Promise<void> {
    if (this.polling) return;
    this.polling = new LosslessPolling(this.bot, { concurrency: this.opts.concurrency, log: this.opts.log });
    await this.polling.start();
    this.opts.log.info({ bot: this.bot.botInfo.username }, 'Telegram: long polling started');
  }

  private async stopPolling(): Promise<void> {
    const polling = this.polling;
    this.polling = undefined;
    await polling?.stop();
  }

  /** Stops taking updates; every update already handed to the bot is handled and confirmed first. */
  async stop(): Promise<void> {
    this.webhookReady = false;
    if (this.leader) await this.leader.stop();
    await this.stopPolling();
  }

  /**
   * Handles a webhook push: the secret token is checked, the body read with a limit, and the update handled
   * before the answer, so Telegram only drops an update once it is committed. Telegram redelivers anything
   * but a 2xx, forever: an update the bot cannot read is acknowledged (200) and logged, never a 500.
   */
  async handleWebhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = (status: number, text = '') => {
      if (res.headersSent) return;
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    if (!this.webhookReady || !this.opts.webhook) return answer(503, 'not ready');
    if (req.method !== 'POST') return answer(405, 'POST only');
    const given = req.headers['x-telegram-bot-api-secret-token'];
    if (!secretMatches(this.opts.webhook.secret, Array.isArray(given) ? given[0] : given)) return answer(401, 'secret token missing or wrong');
    const body = await readRequestBody(req, { limit: WEBHOOK_MAX_BODY });
    let update: unknown;
    try {
      update = JSON.parse(body.toString('utf8'));
    } catch {
      throw new HttpRefusal(400, 'body is not JSON');
    }
    if (!update || typeof update !== 'object' || Array.isArray(update) || !Number.isSafeInteger((update as { update_id?: unknown }).update_id)) {
      this.opts.log.warn({ body: body.subarray(0, 200).toString('utf8') }, 'Telegram webhook: not an update; acknowledged and skipped');
      return answer(200);
    }
    try {
      await this.bot.handleUpdate(update as Update);
    } catch (error) {
      this.opts.log.error({ err: error, update: (update as Update).update_id }, 'Telegram webhook: handling an update failed; acknowledged');
    }
    answer(200);
  }

  async sendText(chatId: string, text: string, buttons?: TextButton[][]): Promise<void> {
    const keyboard = buttons ? InlineKeyboard.from(buttons.map((row) => row.map((b) => InlineKeyboard.text(b.label, b.data)))) : undefined;
    try {
      await this.bot.api.sendMessage(chatId, fitMessage(text), keyboard ? { reply_markup: keyboard } : {});
    } catch (error) {
      throw toPlatformError('sendMessage', error);
    }
  }

  /** getFile, then the file's bytes from `<apiRoot>/file/bot<token>/<file_path>` (the URL holds the token: it never goes into an error). */
  async downloadFile(fileId: string): Promise<DownloadedFile> {
    const max = this.opts.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD;
    let file;
    try {
      file = await this.bot.api.getFile(fileId);
    } catch (error) {
      // The Bot API serves files up to 20 MB; a bigger one is refused for good.
      if (error instanceof GrammyError && /too big/i.test(error.description)) throw tooBig(`${error.description}`, error);
      throw toPlatformError('getFile', error);
    }
    if (file.file_size !== undefined && file.file_size > max) throw tooBig(`${file.file_size} bytes, over ${max}`);
    if (!file.file_path) throw new PlatformError('telegram', 'downloadFile', 'getFile gave no file_path', { retryable: true });
    const root = (this.opts.apiRoot ?? 'https://api.telegram.org').replace(/\/+$/, '');
    let res: Response;
    try {
      res = await fetch(`${root}/file/bot${this.opts.token}/${file.file_path}`, { signal: AbortSignal.timeout(60_000) });
    } catch (error) {
      throw new PlatformError('telegram', 'downloadFile', `network: ${error instanceof Error ? error.name : 'error'}`, { retryable: true });
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new PlatformError('telegram', 'downloadFile', `HTTP ${res.status}`, { retryable: res.status === 429 || res.status >= 500 || res.status === 404 });
    }
    const length = Number(res.headers.get('content-length') ?? NaN);
    if (length > max) {
      await res.body?.cancel().catch(() => {});
      throw tooBig(`${length} bytes, over ${max}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body ?? []) {
        size += chunk.length;
        if (size > max) throw tooBig(`over ${max} bytes`);
        chunks.push(Buffer.from(chunk));
      }
    } catch (error) {
      await res.body?.cancel().catch(() => {});
      if (error instanceof PlatformError) throw error;
      throw new PlatformError('telegram', 'downloadFile', `network: ${error instanceof Error ? error.name : 'error'}`, { retryable: true });
    }
    const fileName = file.file_path.split('/').pop() || undefined;
    const mimeType = res.headers.get('content-type')?.split(';')[0]?.trim() || undefined;
    return { data: Buffer.concat(chunks), ...(fileName ? { fileName } : {}), ...(mimeType ? { mimeType } : {}) };
  }
}

const DEFAULT_MAX_DOWNLOAD = 10 * 1024 * 1024;
/** Telegram's updates are small; a megabyte leaves room for long texts and captions. */
const WEBHOOK_MAX_BODY = 1024 * 1024;

function secretMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function tooBig(message: string, cause?: unknown): PlatformError {
  return new PlatformError('telegram', 'downloadFile', `file too big: ${message}`, { retryable: false, code: FILE_TOO_BIG, cause });
}

/** Telegram refuses texts over 4,096 characters (a 400 that no retry fixes): cut at a code point, with an ellipsis. */
export function fitMessage(text: string): string {
  if (text.length <= TELEGRAM_MAX_TEXT) return text;
  const points = Array.from(text.slice(0, TELEGRAM_MAX_TEXT));
  while (points.join('').length > TELEGRAM_MAX_TEXT - 1) points.pop();
  return `${points.join('')}…`;
}

const TELEGRAM_MAX_TEXT = 4096;

function toPlatformError(method: string, error: unknown): PlatformError {
  if (error instanceof GrammyError) {
    const retryAfter = error.parameters.retry_after;
    if (error.error_code === 429) return new PlatformError('telegram', method, error.description, { retryable: true, retryAfterMs: (retryAfter ?? 1) * 1000, rateLimited: true, cause: error });
    // 400 bad request, 403 blocked by the user: sending again will not help
    return new PlatformError('telegram', method, error.description, { retryable: error.error_code >= 500, cause: error });
  }
  if (error instanceof HttpError) return new PlatformError('telegram', method, `network: ${error.message}`, { retryable: true, cause: error });
  return new PlatformError('telegram', method, String(error), { retryable: true, cause: error });
}
