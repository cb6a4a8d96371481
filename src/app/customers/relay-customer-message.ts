/**
 * A customer's free message (no command, no conversation) goes to their open complaint: recorded on it,
 * shown to staff in the thread under the complaint's card, and confirmed to the customer. If the
 * complaint was waiting for the customer's answer, it goes back to work and its clocks run again, with
 * the waiting time added to its deadlines. With several open complaints the message goes to the one
 * whose number it mentions, else to the latest, and the customer is told which.
 * A short courtesy message ("收到，谢谢") gets a short answer and is not added.
 * Returns false when there is nothing to relay it to.
 */
import type { Prisma } from '../../store/generated/client.ts';
import { decide, isStatus } from '../../domain/lifecycle.ts';
import { customerAnswered } from '../complaints/customer-answered.ts';
import { t } from '../../i18n/index.ts';
import type { CustomerSession } from './customer-session.ts';
import { lockComplaint } from '../complaints/lock-complaint.ts';
import { refreshComplaintCards } from '../complaints/complaint-cards.ts';
import { fileLines, postInThread, storeAttachments } from '../complaints/add-complaint-info.ts';
import { TEXT_LIMITS } from '../staff/staff-input.ts';
import { inertText } from '../shared/feishu-text.ts';
import { recordEvent } from '../complaints/change-status.ts';
import { isCourtesy } from '../../domain/courtesy.ts';

const OPEN_STATUSES = ['registered', 'accepted', 'in_progress', 'waiting_customer', 'reopened'];
const NUMBER = /[A-Za-z]{1,6}-\d{8}-\d{4,}/g;

export async function relayCustomerMessage(s: CustomerSession): Promise<boolean> {
  const { tx, ctx, customer, at } = s;
  const text = s.input.text?.trim() ?? '';
  const attachments = s.input.attachments ?? [];
  if (!text && !attachments.length) return false;
  const open = await tx.complaint.findMany({ where: { customerId: customer.id, status: { in: OPEN_STATUSES } }, orderBy: [{ registeredAt: 'desc' }, { id: 'desc' }] });
  if (!open.length) return false;
  if (text.length > TEXT_LIMITS.message) {
    await s.reply('customer.tooLong', { length: text.length, max: TEXT_LIMITS.message });
    return true;
  }
  const mentioned = new Set((text.match(NUMBER) ?? []).map((n) => n.toUpperCase()));
  const chosen = open.find((c) => mentioned.has(c.number));
  const target = chosen ?? open[0]!;
  const complaint = await lockComplaint(tx, target.id);
  if (!isStatus(complaint.status)) return false;
  // "收到，谢谢" carries nothing to act on: a short answer, nothing added. (An answer staff asked for is relayed.)
  if (!attachments.length && complaint.status !== 'waiting_customer' && isCourtesy(text)) {
    await s.reply('relay.courtesy', { number: complaint.number });
    return true;
  }
  const actor = { id: `${customer.platform}:${customer.platformUserId}`, name: customer.displayName };
  const details = { text, ...(attachments.length ? { attachments: attachments.length } : {}) } as Prisma.InputJsonObject;

  const answering = complaint.status === 'waiting_customer';
  if (answering) {
    await customerAnswered(ctx, tx, complaint, { actor, at, details });
  } else {
    if (!decide(complaint.status, 'customer_message').ok) return false;
    await recordEvent(tx, { complaintId: complaint.id, type: 'customer_message', actor, at, fromStatus: complaint.status, toStatus: complaint.status, details });
  }
  const stored = await storeAttachments(tx, complaint.id, customer.platform, attachments, at, text || undefined);

  const department = await tx.department.findUniqueOrThrow({ where: { id: complaint.departmentId } });
  const staffLang = ctx.config.defaultLanguage;
  const lines = [
    ...(text ? [t(staffLang, answering ? 'staff.thread.customerAnswer' : 'staff.thread.customerMessage', { customer: inertText(customer.displayName), number: complaint.number, text: inertText(text) })] : []),
    ...(stored.length ? [t(staffLang, 'staff.thread.files', { customer: inertText(customer.displayName), count: stored.length })] : []),
    ...fileLines(staffLang, stored),
  ];
  await postInThread(tx, complaint.id, department.chatId, lines, stored, at);
  await refreshComplaintCards(tx, complaint.id, at);

  const others = open.filter((c) => c.id !== complaint.id).map((c) => c.number);
  if (answering) await s.reply('relay.answered', { number: complaint.number });
  else if (others.length && !chosen) await s.reply('relay.addedOneOfSeveral', { number: complaint.number, others: others.slice(0, 5).join(', ') });
  else await s.reply('relay.added', { number: complaint.number });
  return true;
}
