/**
 * The WeChat channel over either transport (Wechaty puppet or official account). WeChat has no buttons,
 * so a message's buttons become a numbered list and a reply that is one of those numbers (or a label)
 * is handed to the app as that button. On the official account, every message counts against the
 * customer's window (5 in the 48 hours after they wrote): outside it the message is held, not dropped,
 * and the customer's next message releases it; the last message the window allows asks the customer to
 * write back. Notices with a configured template (resolution, rating request) go as template messages,
 * which the window does not limit.
 */
import type { Db } from '../../src/store/database.ts';
import type { AppConfig } from '../../src/config/schema.ts';
import type { CustomerInbound } from '../../src/app/shared/inbound.ts';
import type { CustomerNotice, TextButton } from '../../src/app/shared/outbox.ts';
import { releaseHeldMessages, type ChannelSender } from '../../src/delivery/outbox-worker.ts';
import { PlatformError, type CustomerChannelPort } from '../../src/delivery/ports.ts';
import type { Logger } from '../../src/logger.ts';
import { customerLanguage } from '../../src/app/customers/customer-helpers.ts';
import { closeWindow, refundWindowSlot, releaseHeldInOpenWindows, reopenWindow, reserveWindowSlot, type WindowSlot } from '../../src/app/customers/customer-window.ts';
import { buttonForReply, rememberButtons } from '../../src/app/customers/reply-buttons.ts';
import { formatLocalTime } from '../../src/app/shared/format.ts';
import { t, type MessageKey } from '../../src/i18n/index.ts';
import { WechatApiError } from './oa-api.ts';
import { numberedOptions, templateMessage, textWithOptions, withLastMessageNote } from './render.ts';
import type { WechatTransport } from './transport.ts';

const PLATFORM = 'wechat';

export interface WechatChannelOptions {
  transport: WechatTransport;
  db: Db;
  config: AppConfig;
  log: Logger;
  now: () => Date;
  /** The app's entry point; errors are caught here and answered with `errorText`. */
  onMessage: (inbound: CustomerInbound) => Promise<void>;
  errorText: (inbound: CustomerInbound) => string;
  /** Wakes the outbox after held messages were put back in line. */
  outboxChanged?: () => void;
  /** How often held messages of customers whose window is open are put back in line (default 60 s). */
  sweepMs?: number;
}

interface TextPayload {
  text: string;
  buttons?: TextButton[][];
  notice?: CustomerNotice;
}

export class WechatChannel implements CustomerChannelPort {
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: WechatChannelOptions) {}

  get transport(): WechatTransport {
    return this.opts.transport;
  }

  async start(): Promise<void> {
    await this.opts.transport.start((inbound) => this.receive(inbound));
    if (this.opts.transport.windowed) {
      this.sweepTimer = setInterval(() => void this.sweepHeld(), this.opts.sweepMs ?? 60_000);
      this.sweepTimer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.opts.transport.stop();
  }

  /** A decoded customer event: a numbered reply becomes its button, then the app handles it. */
  async receive(inbound: CustomerInbound): Promise<void> {
    try {
      const at = this.opts.now();
      await reopenWindow(this.opts.db, PLATFORM, inbound.userId, at);
      if ((await releaseHeldMessages(this.opts.db, PLATFORM, inbound.chatId, at)) > 0) this.opts.outboxChanged?.();
      const button = inbound.button === undefined && !inbound.attachments?.length ? await buttonForReply(this.opts.db, PLATFORM, inbound.userId, inbound.text) : undefined;
      const { text: _typed, ...rest } = inbound;
      await this.opts.onMessage(button !== undefined ? { ...rest, button } : inbound);
    } catch (error) {
      this.opts.log.error({ err: error, platform: PLATFORM, eventId: inbound.eventId }, 'handling a WeChat message failed');
      await this.deliver(inbound.chatId, { text: this.opts.errorText(inbound) }).catch((e: unknown) => this.opts.log.warn({ err: String(e) }, 'could not tell the customer about the failure'));
    }
  }

  /** The outbox sender for channel 'wechat'. */
  sender(): ChannelSender {
    return {
      send: async (row) => {
        if (row.kind !== 'text') throw new PlatformError(PLATFORM, row.kind, `unknown outbox kind ${row.kind}`, { retryable: false });
        await this.deliver(row.target, row.payload as unknown as TextPayload);
      },
    };
  }

  sendText(chatId: string, text: string, buttons?: TextButton[][]): Promise<void> {
    return this.deliver(chatId, { text, ...(buttons ? { buttons } : {}) });
  }

  /** Puts held messages back in line for customers whose window is open again. */
  async sweepHeld(): Promise<number> {
    try {
      const released = await releaseHeldInOpenWindows(this.opts.db, PLATFORM, this.opts.now());
      if (released) this.opts.outboxChanged?.();
      return released;
    } catch (error) {
      this.opts.log.warn({ err: error }, 'releasing held WeChat messages failed');
      return 0;
    }
  }

  private async deliver(userId: string, payload: TextPayload): Promise<void> {
    const { db, config, transport } = this.opts;
    const customer = await db.customer.findUnique({ where: { platform_platformUserId: { platform: PLATFORM, platformUserId: userId } }, select: { language: true } });
    const lang = customerLanguage({ language: customer?.language ?? null }, config);
    const template = payload.notice && transport.sendTemplate ? config.wechat.templates[payload.notice.kind] : undefined;
    if (template && payload.notice) {
      const vars: Record<string, string> = {
        title: t(lang, `wechat.template.${payload.notice.kind}` as MessageKey),
        text: textWithOptions(payload.text, payload.buttons, lang),
        time: formatLocalTime(this.opts.now(), config.calendar.timeZone),
        options: numberedOptions(payload.buttons),
        number: '',
        ...payload.notice.vars,
      };
      await rememberButtons(db, PLATFORM, userId, payload.buttons);
      try {
        await transport.sendTemplate!(userId, templateMessage(template, vars));
        return;
      } catch (error) {
        // A template WeChat refuses for good (wrong id, fields) is a config mistake: send the notice as a text instead.
        if (!(error instanceof WechatApiError) || error.opts.retryable) throw error;
        this.opts.log.error({ err: error.message, notice: payload.notice.kind }, 'WeChat refused the template message; check wechat.templates in the config. Sending the notice as a text');
      }
    }

    let text = textWithOptions(payload.text, payload.buttons, lang);
    let slot: WindowSlot | null = null;
    if (transport.windowed) {
      slot = await reserveWindowSlot(db, PLATFORM, userId, this.opts.now());
      if (!slot) throw new PlatformError(PLATFORM, 'send', "the customer's 48-hour window is closed; held until they write again", { retryable: false, hold: true });
      if (slot.remaining === 0) text = withLastMessageNote(text, lang);
    }
    await rememberButtons(db, PLATFORM, userId, payload.buttons);
    try {
      await transport.sendText(userId, text);
    } catch (error) {
      if (slot && error instanceof PlatformError && error.opts.hold) {
        // WeChat counts the window closed although we did not: trust it, unless the customer wrote meanwhile.
        if (await closeWindow(db, PLATFORM, userId, slot)) throw error;
        throw new PlatformError(PLATFORM, error.method, 'the window reopened while sending; trying again', { retryable: true, retryAfterMs: 1000, cause: error });
      }
      if (slot && error instanceof WechatApiError) await refundWindowSlot(db, PLATFORM, userId, slot);
      throw error;
    }
  }
}
