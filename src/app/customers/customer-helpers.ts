/** Small pieces every customer use case needs: who the actor is, their language, names, and "their" complaint. */
import type { Tx } from '../../store/database.ts';
import type { Complaint, Customer } from '../../store/generated/client.ts';
import type { AppConfig } from '../../config/schema.ts';
import { parseComplaintNumber } from '../../domain/complaint-number.ts';
import { t, type Language, type MessageKey } from '../../i18n/index.ts';
import type { Actor } from '../complaints/change-status.ts';
import { AppError } from '../shared/errors.ts';

export type CustomerChannel = 'telegram' | 'wechat';

/**
 * How long a short conversation (an offer, adding information, an appeal's reason, a rating comment) waits
 * for its answer. After that the next message is taken on its own, not as a late answer to an old question.
 * (A filing draft does not lapse: it is resumed.)
 */
export const SHORT_CONVERSATION_TTL_MS = 24 * 3600_000;

export function conversationLapsed(conversation: { updatedAt: Date }, at: Date): boolean {
  return at.getTime() - conversation.updatedAt.getTime() > SHORT_CONVERSATION_TTL_MS;
}

/** The audit trail's name for a customer: `telegram:123` and how they call themselves. */
export function customerActor(customer: Pick<Customer, 'platform' | 'platformUserId' | 'displayName'>): Actor {
  return { id: `${customer.platform}:${customer.platformUserId}`, name: customer.displayName };
}

export function customerLanguage(customer: Pick<Customer, 'language'>, config: AppConfig): Language {
  return customer.language === 'zh' || customer.language === 'en' ? customer.language : config.defaultLanguage;
}

export function categoryName(config: AppConfig, id: string | undefined, lang: Language): string {
  const c = config.categories.find((x) => x.id === id);
  if (!c) return id ?? '';
  return typeof c.name === 'string' ? c.name : c.name[lang];
}

export function statusName(lang: Language, status: string): string {
  return t(lang, `card.status.${status}` as MessageKey);
}

/** Finds a complaint in a customer's text: the first thing that looks like TS-20261123-0007. */
export function findNumberIn(text: string | undefined): string | undefined {
  const match = /[A-Za-z]{1,6}-\d{8}-\d{4,}/.exec(text ?? '');
  return match && parseComplaintNumber(match[0]) ? match[0].toUpperCase() : undefined;
}

/**
 * A complaint of this customer, by number or id. Someone else's complaint is "not found", exactly like a
 * number that does not exist, so nobody can probe other people's numbers.
 */
export async function findCustomerComplaint(tx: Tx, customerId: number, ref: { number: string } | { id: number }): Promise<Complaint | null> {
  const complaint = 'number' in ref ? await tx.complaint.findUnique({ where: { number: ref.number.toUpperCase() } }) : await tx.complaint.findUnique({ where: { id: ref.id } });
  return complaint && complaint.customerId === customerId ? complaint : null;
}

/** This customer's complaint with its customer and department, for a use case to act on; anyone else's is NOT_FOUND. */
export async function loadOwnComplaint(tx: Tx, complaintId: number, customerId: number) {
  const complaint = await tx.complaint.findUnique({ where: { id: complaintId }, include: { customer: true, department: true } });
  if (!complaint || complaint.customerId !== customerId) throw new AppError('NOT_FOUND', `complaint ${complaintId} not found`);
  return complaint;
}

/** Queues a text to a customer on their channel (use cases that run outside a customer's own message). */
export function customerTarget(customer: Pick<Customer, 'platform' | 'chatId'>): { channel: CustomerChannel; target: string } {
  return { channel: customer.platform as CustomerChannel, target: customer.chatId };
}
