/** Turns outbox rows into platform calls: texts to customers, cards rendered from the database to staff. */
import type { OutboxMessage } from '../store/generated/client.ts';
import type { Db } from '../store/database.ts';
import type { AppConfig } from '../config/schema.ts';
import type { TextButton } from '../app/outbox.ts';
import { loadComplaintView } from '../app/complaint-view.ts';
import { renderComplaintCard } from '../../cards/complaint-card.ts';
import type { ChannelSender } from './outbox-worker.ts';
import { PlatformError, type CustomerChannelPort, type StaffChannelPort } from './ports.ts';

export function customerSender(port: CustomerChannelPort): ChannelSender {
  return {
    async send(row) {
      if (row.kind !== 'text') throw new PlatformError(row.channel, row.kind, `unknown outbox kind ${row.kind}`, { retryable: false });
      const payload = row.payload as unknown as { text: string; buttons?: TextButton[][] };
      await port.sendText(row.target, payload.text, payload.buttons);
    },
  };
}

export function feishuSender(port: StaffChannelPort, db: Db, config: AppConfig): ChannelSender {
  const renderCard = async (row: OutboxMessage) => {
    const { cardId } = row.payload as unknown as { cardId: number };
    const card = await db.cardMessage.findUnique({ where: { id: cardId } });
    if (!card) throw new PlatformError('feishu', row.kind, `card ${cardId} not found`, { retryable: false });
    const view = await loadComplaintView(db, config, card.complaintId);
    if (!view) throw new PlatformError('feishu', row.kind, `complaint ${card.complaintId} not found`, { retryable: false });
    return { card, json: renderComplaintCard(view) };
  };
  return {
    async send(row) {
      if (row.kind === 'card.send') {
        const { card, json } = await renderCard(row);
        const messageId = await port.sendCard(card.chatId, json, `outbox-${row.id}`);
        await db.cardMessage.update({ where: { id: card.id }, data: { messageId } });
        return;
      }
      if (row.kind === 'card.patch') {
        const { card, json } = await renderCard(row);
        if (!card.messageId) throw new PlatformError('feishu', 'patch', `card ${card.id} is not posted yet`, { retryable: true, retryAfterMs: 2000 });
        await port.patchCard(card.messageId, json);
        return;
      }
      if (row.kind === 'text') {
        await port.sendText(row.target, (row.payload as unknown as { text: string }).text, `outbox-${row.id}`);
        return;
      }
      throw new PlatformError('feishu', row.kind, `unknown outbox kind ${row.kind}`, { retryable: false });
    },
  };
}
