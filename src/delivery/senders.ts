/** Turns outbox rows into platform calls: texts to customers, cards rendered from the database to staff. */
import type { OutboxMessage } from '../store/generated/client.ts';
import type { Db } from '../store/database.ts';
import type { AppConfig } from '../config/schema.ts';
import type { TextButton } from '../app/shared/outbox.ts';
import { loadComplaintView } from '../app/complaints/complaint-view.ts';
import { renderComplaintCard } from '../../cards/complaint-card.ts';
import type { ChannelSender } from './outbox-worker.ts';
import { t } from '../i18n/index.ts';
import { inertText } from '../app/shared/feishu-text.ts';
import { FILE_TOO_BIG, PlatformError, type CustomerChannelPort, type StaffChannelPort } from './ports.ts';
import { PerKeyRateLimiter, TokenBucketLimiter } from './rate-limiter.ts';
import type { ExportRequest } from '../app/shared/outbox.ts';
import { buildComplaintExport, exportFileName } from '../app/records/export-complaints.ts';
import { accessLogFileName, buildAccessLogExport } from '../app/records/export-access-log.ts';

/** Feishu's upload limit for a file (im/v1/files). */
const EXPORT_MAX_BYTES = 30 * 1024 * 1024;

/** A limit that applies to some rows: `key` names the bucket a row counts against, or undefined when it does not apply. */
export interface SendLimit {
  limiter: { take(key: string): Promise<number> };
  key: (row: OutboxMessage) => string | undefined;
}

export function customerSender(port: CustomerChannelPort, limits: SendLimit[] = []): ChannelSender {
  return {
    async send(row) {
      if (row.kind !== 'text') throw new PlatformError(row.channel, row.kind, `unknown outbox kind ${row.kind}`, { retryable: false });
      const payload = row.payload as unknown as { text: string; buttons?: TextButton[][] };
      for (const limit of limits) {
        const key = limit.key(row);
        if (key !== undefined) await limit.limiter.take(key);
      }
      await port.sendText(row.target, payload.text, payload.buttons);
    },
  };
}

/**
 * Telegram's limits (docs/platforms.md): about one message a second in a chat (on average: a burst of ten
 * is let through, as Telegram does, so a quick exchange is not slowed), 20 a minute in a group, about 30 a
 * second for the whole bot. Each wait holds back only its own chat's lane: other chats go on meanwhile.
 */
export const TELEGRAM_PER_CHAT = { burst: 10, perSecond: 1 };

export function telegramLimits(perChatRate: typeof TELEGRAM_PER_CHAT = TELEGRAM_PER_CHAT): SendLimit[] {
  const perChat = new TokenBucketLimiter(perChatRate);
  const perGroup = new PerKeyRateLimiter({ limit: 20, windowMs: 60_000 });
  const perBot = new PerKeyRateLimiter({ limit: 30, windowMs: 1000 });
  return [
    { limiter: perChat, key: (row) => row.target },
    { limiter: perGroup, key: (row) => (row.target.startsWith('-') ? row.target : undefined) },
    { limiter: perBot, key: () => 'bot' },
  ];
}

/**
 * Feishu allows 5 messages a second in a group (shared by all bots), to a user, and 5 updates a second
 * of one message. The window has a margin: requests leave spaced right but arrive with network jitter.
 */
export const FEISHU_PER_TARGET = { limit: 5, windowMs: 1100 };
/** Feishu allows an app 50 sends a second (and 1,000 a minute) in all. */
export const FEISHU_PER_APP = { limit: 50, windowMs: 1100 };
/** Feishu refuses an image upload for good: bad type or format (234001, 234011), empty (234010), too big (234006). */
const IMAGE_REFUSED = new Set([234001, 234006, 234010, 234011]);
/** Feishu refuses to update a message sent more than 14 days ago. */
const TOO_OLD_TO_UPDATE = 230031;

/** The customer channels by platform, for fetching the files customers sent (photos shown to staff). */
export type CustomerPorts = Partial<Record<'telegram' | 'wechat', CustomerChannelPort>>;

export function feishuSender(port: StaffChannelPort, db: Db, config: AppConfig, opts: { limiter?: PerKeyRateLimiter; customers?: CustomerPorts } = {}): ChannelSender {
  const perTarget = opts.limiter ?? new PerKeyRateLimiter(FEISHU_PER_TARGET);
  const perApp = new PerKeyRateLimiter(FEISHU_PER_APP);
  const limiter = {
    async take(key: string) {
      await perTarget.take(key);
      await perApp.take('app');
    },
  };
  const customers = opts.customers ?? {};
  const cardOf = async (row: OutboxMessage) => {
    const { cardId } = row.payload as unknown as { cardId: number };
    const card = await db.cardMessage.findUnique({ where: { id: cardId } });
    if (!card) throw new PlatformError('feishu', row.kind, `card ${cardId} not found`, { retryable: false });
    return card;
  };
  const render = async (row: OutboxMessage, cardId: number, complaintId: number) => {
    const view = await loadComplaintView(db, config, complaintId, { cardId });
    if (!view) throw new PlatformError('feishu', row.kind, `complaint ${complaintId} not found`, { retryable: false });
    return renderComplaintCard(view);
  };
  const post = async (row: OutboxMessage, card: { id: number; chatId: string; complaintId: number }) => {
    const json = await render(row, card.id, card.complaintId);
    await limiter.take(`chat:${card.chatId}`);
    const messageId = await port.sendCard(card.chatId, json, `outbox-${row.id}-${card.id}`);
    await db.cardMessage.update({ where: { id: card.id }, data: { messageId } });
  };
  /** Builds the requested export and uploads it; over Feishu's 30 MB a text says so instead. */
  const sendAccessLogExport = async (row: OutboxMessage, req: ExportRequest, period: { start: Date; end: Date; label: string }) => {
    const built = await buildAccessLogExport(db, config, { period: { ...period, kind: req.kind }, generatedAt: new Date(req.requestedAt) });
    const lang = config.defaultLanguage;
    await limiter.take(`chat:${row.target}`);
    if (built.data.length > EXPORT_MAX_BYTES || !port.sendFile) {
      await port.sendText(row.target, t(lang, 'export.tooBig', { label: req.label, size: (built.data.length / 1048576).toFixed(1) }), `outbox-${row.id}`);
      return;
    }
    await port.sendFile(row.target, accessLogFileName(period), built.data, `outbox-${row.id}`);
    await limiter.take(`chat:${row.target}`);
    await port.sendText(row.target, t(lang, 'access.export.done', { label: req.label, count: built.entries }), `outbox-${row.id}-sent`);
  };
  const sendExport = async (row: OutboxMessage) => {
    const req = row.payload as unknown as ExportRequest;
    const period = { start: new Date(req.start), end: new Date(req.end), label: req.label, kind: req.kind };
    if (req.what === 'access') return sendAccessLogExport(row, req, period);
    const built = await buildComplaintExport(db, config, { period, fullData: req.fullData, generatedAt: new Date(req.requestedAt) });
    const lang = config.defaultLanguage;
    await limiter.take(`chat:${row.target}`);
    if (built.data.length > EXPORT_MAX_BYTES || !port.sendFile) {
      await port.sendText(row.target, t(lang, 'export.tooBig', { label: req.label, size: (built.data.length / 1048576).toFixed(1) }), `outbox-${row.id}`);
      return;
    }
    await port.sendFile(row.target, exportFileName({ period, fullData: req.fullData }), built.data, `outbox-${row.id}`);
    await limiter.take(`chat:${row.target}`);
    await port.sendText(row.target, t(lang, 'export.sent', { label: req.label, complaints: built.complaints, events: built.events }), `outbox-${row.id}-sent`);
  };
  return {
    async send(row) {
      if (row.kind === 'card.send') return post(row, await cardOf(row));
      if (row.kind === 'card.patch') {
        const card = await cardOf(row);
        // An archived complaint's cards are no longer updated (docs/records.md, Archive): what they show stays.
        const complaint = await db.complaint.findUnique({ where: { id: card.complaintId }, select: { archivedAt: true } });
        if (complaint?.archivedAt) return;
        if (!card.messageId) throw new PlatformError('feishu', 'patch', `card ${card.id} is not posted yet`, { retryable: true, retryAfterMs: 2000 });
        const json = await render(row, card.id, card.complaintId);
        await limiter.take(`message:${card.messageId}`);
        try {
          await port.patchCard(card.messageId, json);
        } catch (error) {
          if (!(error instanceof PlatformError && error.opts.code === TOO_OLD_TO_UPDATE)) throw error;
          // Too old to update: a current card in the department's group is replaced by a fresh one.
          const complaint = await db.complaint.findUnique({ where: { id: card.complaintId }, include: { department: true } });
          await db.cardMessage.update({ where: { id: card.id }, data: { active: false } });
          if (card.active && complaint && complaint.department.chatId === card.chatId) {
            const fresh = await db.cardMessage.create({ data: { complaintId: card.complaintId, chatId: card.chatId, createdAt: new Date() } });
            await post(row, fresh);
          }
        }
        return;
      }
      if (row.kind === 'thread.reply') {
        const card = await cardOf(row);
        if (!card.messageId) throw new PlatformError('feishu', 'thread.reply', `card ${card.id} is not posted yet`, { retryable: true, retryAfterMs: 2000 });
        await limiter.take(`chat:${card.chatId}`);
        await port.replyInThread(card.messageId, (row.payload as unknown as { text: string }).text, `outbox-${row.id}`);
        return;
      }
      if (row.kind === 'thread.image') {
        const card = await cardOf(row);
        if (!card.messageId) throw new PlatformError('feishu', 'thread.image', `card ${card.id} is not posted yet`, { retryable: true, retryAfterMs: 2000 });
        const { attachmentId } = row.payload as unknown as { attachmentId: number };
        const attachment = await db.attachment.findUnique({ where: { id: attachmentId }, include: { complaint: { include: { customer: true } } } });
        if (!attachment) throw new PlatformError('feishu', 'thread.image', `attachment ${attachmentId} not found`, { retryable: false });
        // The photo itself when its channel can fetch it; else (no such channel here, WeChat, too big) a line saying one came.
        const channel = customers[attachment.platform as keyof CustomerPorts];
        let image: Buffer | undefined;
        if (channel?.downloadFile) {
          try {
            image = (await channel.downloadFile(attachment.fileId)).data;
          } catch (error) {
            if (!(error instanceof PlatformError && error.opts.code === FILE_TOO_BIG)) throw error;
          }
        }
        await limiter.take(`chat:${card.chatId}`);
        if (image) {
          try {
            await port.replyImageInThread(card.messageId, image, `outbox-${row.id}`);
            return;
          } catch (error) {
            // Feishu refuses it as an image for good (size, format): say so in text; anything else is retried.
            if (!(error instanceof PlatformError && !error.opts.retryable && error.opts.code !== undefined && IMAGE_REFUSED.has(error.opts.code))) throw error;
          }
        }
        const text = t(config.defaultLanguage, 'staff.thread.photoNotShown', { customer: inertText(attachment.complaint.customer.displayName) });
        await port.replyInThread(card.messageId, text, `outbox-${row.id}-text`);
        return;
      }
      if (row.kind === 'text') {
        await limiter.take(`chat:${row.target}`);
        await port.sendText(row.target, (row.payload as unknown as { text: string }).text, `outbox-${row.id}`);
        return;
      }
      if (row.kind === 'user.text') {
        await limiter.take(`user:${row.target}`);
        await port.sendTextToUser(row.target, (row.payload as unknown as { text: string }).text, `outbox-${row.id}`);
        return;
      }
      if (row.kind === 'file.export') return sendExport(row);
      if (row.kind === 'card.raw') {
        await limiter.take(`chat:${row.target}`);
        await port.sendCard(row.target, (row.payload as unknown as { card: object }).card, `outbox-${row.id}`);
        return;
      }
      throw new PlatformError('feishu', row.kind, `unknown outbox kind ${row.kind}`, { retryable: false });
    },
  };
}
