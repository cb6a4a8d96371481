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
  | { channel: 'feishu'; kind: 'card.raw'; target: string; payload: { card: Record<string, unknown> }; complaintId?: number }
  /** a complaints export (.xlsx) built at send time and uploaded into the chat (src/app/records/export-complaints.ts) */
  | { channel: 'feishu'; kind: 'file.export'; target: string; payload: ExportRequest; complaintId?: number };

/** What `file.export` builds: the period (ISO instants), and whether phones are in full. */
export interface ExportRequest {
  label: string;
  kind: 'month' | 'quarter' | 'year' | 'days';
  start: string;
  end: string;
  fullData: boolean;
  requestedAt: string;
  /** what to export: the complaints (default) or the access log (src/app/records/export-access-log.ts) */
  what?: 'complaints' | 'access';
}

type OutboxRow = Prisma.OutboxMessageCreateManyInput;

/** Rows queued inside a `batchOutbox` run, by transaction: written together with one INSERT at its end. */
const pending = new WeakMap<object, OutboxRow[]>();

function outboxRow(message: Outgoing, at: Date): OutboxRow {
  return {
    channel: message.channel,
    kind: message.kind,
    target: message.target,
    payload: message.payload as unknown as Prisma.InputJsonValue,
    complaintId: message.complaintId ?? null,
    nextAttemptAt: at,
    createdAt: at,
  };
}

/** The platform of customers without a chat (registered by staff from a call, a counter, a letter: /new). */
export const OFFLINE_CHANNEL = 'offline';

export async function enqueue(tx: Tx, message: Outgoing, at: Date): Promise<void> {
  // Nothing can be sent to a customer without a chat: the message becomes a task on the card ("call the customer: …").
  if ((message.channel as string) === OFFLINE_CHANNEL) return queueCallTask(tx, message, at);
  const batch = pending.get(tx);
  if (batch) {
    batch.push(outboxRow(message, at));
    return;
  }
  await tx.outboxMessage.create({ data: outboxRow(message, at) });
}

/**
 * Runs `fn` with every `enqueue` on `tx` collected, then writes them in one INSERT (in the order they
 * were queued, so ids keep that order): one round trip instead of one per message. Nothing in the
 * transaction may read the outbox back before the end (nothing does: rows are for the delivery worker).
 */
export async function batchOutbox<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
  if (pending.has(tx)) return fn();
  const rows: OutboxRow[] = [];
  pending.set(tx, rows);
  try {
    const result = await fn();
    if (rows.length) await tx.outboxMessage.createMany({ data: rows });
    return result;
  } finally {
    pending.delete(tx);
  }
}

/** Posts a fresh card for a complaint into a group and remembers it as the complaint's active card. */
export async function enqueueNewCard(tx: Tx, complaintId: number, chatId: string, at: Date, opts: { first?: boolean } = {}): Promise<void> {
  // A complaint filed in this transaction has no card to retire yet.
  if (!opts.first) await tx.cardMessage.updateMany({ where: { complaintId, active: true }, data: { active: false } });
  const card = await tx.cardMessage.create({ data: { complaintId, chatId, createdAt: at } });
  await enqueue(tx, { channel: 'feishu', kind: 'card.send', target: chatId, payload: { cardId: card.id }, complaintId }, at);
}

/** Asks for the complaint's active cards (at most one per chat: its department's group, maybe the managers' chat) to be redrawn from the database. */
export async function enqueueCardRefresh(tx: Tx, complaintId: number, at: Date): Promise<void> {
  const cards = await tx.cardMessage.findMany({ where: { complaintId, active: true }, orderBy: { id: 'asc' }, select: { id: true, chatId: true } });
  for (const card of cards) await enqueue(tx, { channel: 'feishu', kind: 'card.patch', target: card.chatId, payload: { cardId: card.id }, complaintId }, at);
}

/** A message for a customer without a chat, kept as a task on the complaint's card; the card is redrawn. */
async function queueCallTask(tx: Tx, message: Outgoing, at: Date): Promise<void> {
  if (!message.complaintId) return; // only complaint messages reach such a customer (they have no chat to command from)
  const { text } = message.payload as { text: string };
  await tx.customerTask.create({ data: { complaintId: message.complaintId, text, createdAt: at } });
  await enqueueCardRefresh(tx, message.complaintId, at);
}
