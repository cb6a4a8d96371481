/**
 * For a customer without a chat (registered by staff, /new): staff asked them a question by phone
 * (Ask pauses the clocks, the card shows "☎ 向客户询问：…"), and now record what the customer answered.
 * Exactly what a chat customer's answer does — the same customerAnswered as relay-customer-message.ts:
 * the complaint goes from waiting_customer back to in_progress and the business time spent waiting is
 * added to the resolve deadline and the hard limit. The `customer_replied` event carries the answer and
 * who recorded it (`enteredBy: staff`); the question's call task is marked done by them.
 */
import type { Tx } from '../../store/database.ts';
import type { AppContext } from '../shared/context.ts';
import { AppError } from '../shared/errors.ts';
import { OFFLINE_CHANNEL } from '../shared/outbox.ts';
import type { Actor } from '../complaints/change-status.ts';
import { lockComplaint } from '../complaints/lock-complaint.ts';
import { customerAnswered } from '../complaints/customer-answered.ts';
import { TEXT_LIMITS } from '../staff/staff-input.ts';

export async function recordCustomerAnswer(ctx: AppContext, tx: Tx, opts: { complaintId: number; actor: Actor; text: string }) {
  const text = (opts.text ?? '').trim();
  if (!text) throw new AppError('INVALID_INPUT', 'answer is empty', { field: 'answer', reason: 'empty' });
  if (text.length > TEXT_LIMITS.message) throw new AppError('INVALID_INPUT', 'answer is too long', { field: 'answer', reason: 'tooLong', length: text.length, max: TEXT_LIMITS.message });
  const complaint = await lockComplaint(tx, opts.complaintId, 'customer_replied');
  const customer = await tx.customer.findUniqueOrThrow({ where: { id: complaint.customerId } });
  // A customer with a chat answers in it (relayed and recorded there).
  if (customer.platform !== OFFLINE_CHANNEL) throw new AppError('FORBIDDEN', 'the customer answers in their chat', { reason: 'answersInChat' });
  const at = ctx.now();
  const asked = await tx.complaintEvent.findFirst({ where: { complaintId: complaint.id, type: 'ask_customer' }, orderBy: { id: 'desc' } });
  const question = asked ? String(((asked.data ?? {}) as Record<string, unknown>).text ?? '') || null : null;
  // The same as an answer in the customer's chat: back to in_progress, the waiting time added to the deadlines.
  const { pausedMinutes } = await customerAnswered(ctx, tx, complaint, { actor: opts.actor, at, details: { text, enteredBy: 'staff', question } });
  // The call that asked the question is done: the customer answered it.
  if (asked) await tx.customerTask.updateMany({ where: { complaintId: complaint.id, createdAt: asked.at, doneAt: null }, data: { doneAt: at, doneBy: opts.actor.id, doneByName: opts.actor.name ?? null } });
  return { number: complaint.number, pausedMinutes };
}
