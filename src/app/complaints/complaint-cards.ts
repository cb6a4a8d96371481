/**
 * Which Feishu cards show a complaint, and keeping them current. A complaint has at most one current
 * (active) card per chat: the one in its department's group is home (customer messages go to its
 * thread); a manager's chat may hold another. Every other card is outdated: redrawn once without
 * buttons, saying where the complaint is now. Feishu stops updating a card 14 days after it was sent,
 * so an older current card is replaced by a fresh one instead of being patched.
 */
import type { Tx } from '../../store/database.ts';
import type { CardMessage } from '../../store/generated/client.ts';
import { enqueue, enqueueNewCard } from '../shared/outbox.ts';

/** Feishu accepts updates for 14 days; an hour of margin keeps a queued patch inside that. */
export const CARD_UPDATE_WINDOW_MS = 14 * 24 * 3600_000 - 3600_000;

export function isUpdatable(card: Pick<CardMessage, 'createdAt'>, at: Date): boolean {
  return at.getTime() - card.createdAt.getTime() < CARD_UPDATE_WINDOW_MS;
}

async function patch(tx: Tx, card: CardMessage, at: Date): Promise<void> {
  await enqueue(tx, { channel: 'feishu', kind: 'card.patch', target: card.chatId, payload: { cardId: card.id }, complaintId: card.complaintId }, at);
}

async function newCard(tx: Tx, complaintId: number, chatId: string, at: Date): Promise<void> {
  const card = await tx.cardMessage.create({ data: { complaintId, chatId, createdAt: at } });
  await enqueue(tx, { channel: 'feishu', kind: 'card.send', target: chatId, payload: { cardId: card.id }, complaintId }, at);
}

/**
 * Redraws the complaint's current cards from the database (all but `except`, the card that was just
 * clicked: the click's answer redraws it). A current card too old to update is replaced by a fresh one
 * in the department's group, and simply retired anywhere else.
 */
export async function refreshComplaintCards(tx: Tx, complaintId: number, at: Date, opts: { except?: string } = {}): Promise<void> {
  const complaint = await tx.complaint.findUniqueOrThrow({ where: { id: complaintId }, include: { department: true } });
  // An archived complaint's cards are no longer updated, nor replaced by fresh ones (/find still posts one on demand).
  if (complaint.archivedAt) return;
  await refreshCardsOfComplaints(tx, new Map([[complaintId, complaint.department.chatId]]), at, opts);
}

/**
 * The same for many complaints at once (the SLA sweep's batches), with a fixed number of statements:
 * `homeChats` gives each complaint's department group. Patches and sends are outbox rows (batched by the
 * caller's batchOutbox); retired cards are marked in one UPDATE, fresh ones created in one INSERT.
 */
export async function refreshCardsOfComplaints(tx: Tx, homeChats: Map<number, string>, at: Date, opts: { except?: string } = {}): Promise<void> {
  if (homeChats.size === 0) return;
  const cards = await tx.cardMessage.findMany({ where: { complaintId: { in: [...homeChats.keys()] }, active: true }, orderBy: { id: 'asc' } });
  const retired: number[] = [];
  const fresh: { complaintId: number; chatId: string; createdAt: Date }[] = [];
  for (const [complaintId, home] of homeChats) {
    const own = cards.filter((c) => c.complaintId === complaintId);
    for (const card of own) {
      if (isUpdatable(card, at)) {
        if (!opts.except || card.messageId !== opts.except) await patch(tx, card, at);
        continue;
      }
      retired.push(card.id);
      if (card.chatId === home) fresh.push({ complaintId, chatId: card.chatId, createdAt: at });
    }
    if (own.length === 0) fresh.push({ complaintId, chatId: home, createdAt: at });
  }
  if (retired.length) await tx.cardMessage.updateMany({ where: { id: { in: retired } }, data: { active: false } });
  if (fresh.length) {
    const created = await tx.cardMessage.createManyAndReturn({ data: fresh, select: { id: true, complaintId: true, chatId: true } });
    for (const card of created) await enqueue(tx, { channel: 'feishu', kind: 'card.send', target: card.chatId, payload: { cardId: card.id }, complaintId: card.complaintId }, at);
  }
}

/** Posts a fresh current card into a chat; the card it replaces there is redrawn as outdated. */
export async function postCardInChat(tx: Tx, complaintId: number, chatId: string, at: Date): Promise<void> {
  const old = await tx.cardMessage.findMany({ where: { complaintId, chatId, active: true } });
  await tx.cardMessage.updateMany({ where: { complaintId, chatId, active: true }, data: { active: false } });
  for (const card of old) if (isUpdatable(card, at)) await patch(tx, card, at);
  await newCard(tx, complaintId, chatId, at);
}

/** The complaint moved to another department: a fresh card in its group; every earlier current card is redrawn showing where it went. */
export async function moveCardsTo(tx: Tx, complaintId: number, chatId: string, at: Date): Promise<void> {
  const old = await tx.cardMessage.findMany({ where: { complaintId, active: true } });
  await enqueueNewCard(tx, complaintId, chatId, at);
  for (const card of old) if (isUpdatable(card, at)) await patch(tx, card, at);
}

/** The card whose thread holds the conversation with the customer: the current card in the department's group, else the latest card. */
export async function threadCard(tx: Tx, complaintId: number, departmentChatId: string): Promise<CardMessage | null> {
  return (
    (await tx.cardMessage.findFirst({ where: { complaintId, chatId: departmentChatId, active: true }, orderBy: { id: 'desc' } })) ??
    (await tx.cardMessage.findFirst({ where: { complaintId }, orderBy: [{ active: 'desc' }, { id: 'desc' }] }))
  );
}
