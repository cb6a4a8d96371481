/**
 * The Telegram channel on grammY: long polling by default, a webhook with a secret token when
 * TELEGRAM_WEBHOOK_URL is set. Decodes updates for the app and sends its texts (CustomerChannelPort).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Bot, GrammyError, HttpError, InlineKeyboard, webhookCallback } from 'grammy';
import type { CustomerInbound } from '../../src/app/inbound.ts';
import type { TextButton } from '../../src/app/outbox.ts';
import { PlatformError, type CustomerChannelPort } from '../../src/delivery/ports.ts';
import type { Logger } from '../../src/logger.ts';
import { decodeUpdate } from './decode.ts';

export interface TelegramChannelOptions {
  token: string;
  apiRoot?: string;
  webhook?: { url: string; secret: string };
  log: Logger;
  /** The app's entry point; errors are caught here and answered in `onError`. */
  onMessage: (inbound: CustomerInbound) => Promise<void>;
  /** Text sent to the customer when handling failed (already in the customer's language, if known). */
  errorText: (inbound: CustomerInbound) => string;
}

export class TelegramChannel implements CustomerChannelPort {
  readonly bot: Bot;
  private webhookHandler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  private polling: Promise<void> | undefined;

  constructor(private readonly opts: TelegramChannelOptions) {
    this.bot = new Bot(opts.token, { client: { ...(opts.apiRoot ? { apiRoot: opts.apiRoot } : {}), timeoutSeconds: 60 } });
    this.bot.use(async (ctx) => {
      const inbound = decodeUpdate(ctx.update);
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
      this.webhookHandler = webhookCallback(this.bot, 'http', { secretToken: this.opts.webhook.secret, onTimeout: 'return', timeoutMilliseconds: 9000 });
      this.opts.log.info({ url: this.opts.webhook.url }, 'Telegram: webhook set');
      return;
    }
    await this.bot.api.deleteWebhook();
    this.polling = this.bot.start({ drop_pending_updates: false, onStart: (me) => this.opts.log.info({ bot: me.username }, 'Telegram: long polling started') });
    this.polling.catch((error: unknown) => this.opts.log.error({ err: error }, 'Telegram polling stopped with an error'));
  }

  async stop(): Promise<void> {
    if (this.bot.isRunning()) await this.bot.stop();
    await this.polling?.catch(() => {});
  }

  /** Handles a webhook push; grammY checks X-Telegram-Bot-Api-Secret-Token and answers 401 otherwise. */
  async handleWebhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.webhookHandler) {
      res.writeHead(404).end();
      return;
    }
    await this.webhookHandler(req, res);
  }

  async sendText(chatId: string, text: string, buttons?: TextButton[][]): Promise<void> {
    const keyboard = buttons ? InlineKeyboard.from(buttons.map((row) => row.map((b) => InlineKeyboard.text(b.label, b.data)))) : undefined;
    try {
      await this.bot.api.sendMessage(chatId, fitMessage(text), keyboard ? { reply_markup: keyboard } : {});
    } catch (error) {
      throw toPlatformError('sendMessage', error);
    }
  }
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
    if (error.error_code === 429) return new PlatformError('telegram', method, error.description, { retryable: true, retryAfterMs: (retryAfter ?? 1) * 1000, cause: error });
    // 400 bad request, 403 blocked by the user: sending again will not help
    return new PlatformError('telegram', method, error.description, { retryable: error.error_code >= 500, cause: error });
  }
  if (error instanceof HttpError) return new PlatformError('telegram', method, `network: ${error.message}`, { retryable: true, cause: error });
  return new PlatformError('telegram', method, String(error), { retryable: true, cause: error });
}
