/**
 * What a use case may ask to be sent. Rows are written in the use case's transaction and sent by
 * src/delivery; cards are rendered at send time from the database, so they always show the latest state.
 */
import type { Tx } from '../store/database.ts';
import type { Prisma } from '../store/generated/client.ts';

export interface TextButton {
  label: string;
  data: string;
}

export type Outgoing =
  | { channel: 'telegram' | 'wechat'; kind: 'text'; target: string; payload: { text: string; buttons?: TextButton[][] }; complaintId?: number }
  | { channel: 'feishu'; kind: 'card.send'; target: string; payload: { cardId: number }; complaintId: number }
  | { channel: 'feishu'; kind: 'card.patch'; target: string; payload: { cardId: number }; complaintId: number }
  | { channel: 'feishu'; kind: 'text'; target: string; payload: { text: string }; complaintId?: number };

export async function enqueue(tx: Tx, message: Outgoing, at: Date): Promise<void> {
  await tx.outboxMessage.create({
    data: {
      channel: message.channel,
      kind: message.kind,
      target: message.target,
      payload: message.payload as unknown as Prisma.InputJsonValue,
      complaintId: message.complaintId ?? null,
      nextAttemptAt: at,
      createdAt: at,
    },
  });
}

/** Posts a fresh card for a complaint into a group and remembers it as the complaint's active card. */
export async function enqueueNewCard(tx: Tx, complaintId: number, chatId: string, at: Date): Promise<void> {
  await tx.cardMessage.updateMany({ where: { complaintId, active: true }, data: { active: false } });
  const card = await tx.cardMessage.create({ data: { complaintId, chatId, createdAt: at } });
  await enqueue(tx, { channel: 'feishu', kind: 'card.send', target: chatId, payload: { cardId: card.id }, complaintId }, at);
}

/** Asks for the complaint's active card to be redrawn from the database. */
export async function enqueueCardRefresh(tx: Tx, complaintId: number, at: Date): Promise<void> {
  const card = await tx.cardMessage.findFirst({ where: { complaintId, active: true }, orderBy: { id: 'desc' } });
  if (card) await enqueue(tx, { channel: 'feishu', kind: 'card.patch', target: card.chatId, payload: { cardId: card.id }, complaintId }, at);
}
