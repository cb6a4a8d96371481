/**
 * What a use case may ask to be sent. Rows are written in the use case's transaction and sent by
 * src/delivery; cards are rendered at send time from the database, so they always show the latest state.
 */
import type { Tx } from '../../store/database.ts';
import type { Prisma } from '../../store/generated/client.ts';

export interface TextButton {
  label: string;
  data: string;
}

/**
 * Marks a customer text as one of the notices a channel may send another way: WeChat sends them as
 * template messages (when configured), which reach the customer outside the 48-hour window.
 * `vars` fill the template's fields (e.g. number, resolution).
 */
export interface CustomerNotice {
  kind: 'resolution' | 'rating';
  vars?: Record<string, string>;
}

export type Outgoing =
  | { channel: 'telegram' | 'wechat'; kind: 'text'; target: string; payload: { text: string; buttons?: TextButton[][]; notice?: CustomerNotice }; complaintId?: number }
  | { channel: 'feishu'; kind: 'card.send'; target: string; payload: { cardId: number }; complaintId: number }
  | { channel: 'feishu'; kind: 'card.patch'; target: string; payload: { cardId: number }; complaintId: number }
  | { channel: 'feishu'; kind: 'text'; target: string; payload: { text: string }; complaintId?: number }
  /** a text in the thread under a complaint's card (target: the card's chat, for per-group rate limiting) */
  | { channel: 'feishu'; kind: 'thread.reply'; target: string; payload: { cardId: number; text: string }; complaintId: number }
  /** a customer's photo (an Attachment row, fetched from their channel at send time) in the thread under a complaint's card (target: the card's chat) */
  | { channel: 'feishu'; kind: 'thread.image'; target: string; payload: { cardId: number; attachmentId: number }; complaintId: number }
  /** a private text to one staff member (target: their open_id) */
  | { channel: 'feishu'; kind: 'user.text'; target: string; payload: { text: string }; complaintId?: number }
  /** a card rendered when queued, e.g. a report (weekly digest, monthly summary): a snapshot, never patched */
  | { channel: 'feishu'; kind: 'card.raw'; target: string; payload: { card: Record<string, unknown> }; complaintId?: number };

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

/** Asks for the complaint's active cards (at most one per chat: its department's group, maybe the managers' chat) to be redrawn from the database. */
export async function enqueueCardRefresh(tx: Tx, complaintId: number, at: Date): Promise<void> {
  const cards = await tx.cardMessage.findMany({ where: { complaintId, active: true }, orderBy: { id: 'asc' } });
  for (const card of cards) await enqueue(tx, { channel: 'feishu', kind: 'card.patch', target: card.chatId, payload: { cardId: card.id }, complaintId }, at);
}
