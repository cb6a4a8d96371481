/**
 * The customer rates a resolved complaint 1–5. A low rating (1–2) reopens it and tells the department,
 * which must contact the customer again; 3–5 closes it. The customer is then asked for an optional comment.
 */
import type { Tx } from '../../store/database.ts';
import { t } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { changeStatus } from './change-status.ts';
import { AppError } from '../shared/errors.ts';
import type { Severity } from '../../domain/sla.ts';
import { enqueue } from '../shared/outbox.ts';
import { refreshComplaintCards } from './complaint-cards.ts';
import { lockComplaint } from './lock-complaint.ts';
import { reopenedFields } from './reopen-complaint.ts';
import { customerActor, customerLanguage, customerTarget, loadOwnComplaint } from '../customers/customer-helpers.ts';
import { inertText } from '../shared/feishu-text.ts';
import { formatLocalTime } from '../shared/format.ts';

/** Ratings at or below this reopen the complaint. */
export const LOW_RATING = 2;

export async function rateComplaint(ctx: AppContext, tx: Tx, input: { complaintId: number; customerId: number; rating: number }) {
  if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) throw new AppError('INVALID_INPUT', `rating ${input.rating} is not 1–5`, { reason: 'badRating' });
  await lockComplaint(tx, input.complaintId);
  const complaint = await loadOwnComplaint(tx, input.complaintId, input.customerId);
  if (complaint.status !== 'resolved') throw new AppError('TRANSITION_NOT_ALLOWED', `${complaint.number} is ${complaint.status}, not waiting for a rating`, { complaint });
  const at = ctx.now();
  const { customer } = complaint;
  const low = input.rating <= LOW_RATING;
  const rated = { rating: input.rating, ratedAt: at, ratingComment: null };
  const reopened = low ? reopenedFields(ctx, complaint.severity as Severity, at, complaint.departmentId) : null;
  const due = reopened ? formatLocalTime(reopened.firstReplyDueAt, ctx.calendar.timeZone) : '';
  await changeStatus(tx, {
    complaintId: complaint.id,
    action: low ? 'reopen' : 'close',
    actor: customerActor(customer),
    at,
    data: { ...rated, ...(reopened ?? { closedAt: at, closeReason: 'rated' }) },
    details: {
      rating: input.rating,
      ...(low ? { previousResolution: complaint.resolution } : {}),
      ...(low && complaint.deadlineExtended ? { previousExtensionMinutes: complaint.extensionMinutes } : {}),
    },
  });
  if (low) {
    const text = t(ctx.config.defaultLanguage, 'customer.notice.reopened', { number: complaint.number, customer: inertText(customer.displayName), rating: input.rating, due });
    await enqueue(tx, { channel: 'feishu', kind: 'text', target: complaint.department.chatId, payload: { text }, complaintId: complaint.id }, at);
  }
  await refreshComplaintCards(tx, complaint.id, at);
  const lang = customerLanguage(customer, ctx.config);
  const answer = low ? t(lang, 'customer.rate.reopened', { number: complaint.number, due }) : t(lang, 'customer.rate.thanks', { number: complaint.number, rating: input.rating });
  await enqueue(tx, { ...customerTarget(customer), kind: 'text', payload: { text: answer }, complaintId: complaint.id }, at);
  return { complaint, reopened: low };
}
