/**
 * The satisfaction follow-up (回访) of a customer without a chat: staff call them and enter the rating
 * (1–5) and their comment from the card. Like a customer's own rating, a low one (≤ 2) reopens the
 * complaint (call back within 48 h, the resolve clock restarts) and 3–5 closes it.
 */
import type { Tx } from '../../store/database.ts';
import type { Severity } from '../../domain/sla.ts';
import type { AppContext } from '../shared/context.ts';
import { AppError } from '../shared/errors.ts';
import { OFFLINE_CHANNEL } from '../shared/outbox.ts';
import { changeStatus, type Actor } from '../complaints/change-status.ts';
import { lockComplaint } from '../complaints/lock-complaint.ts';
import { reopenedFields } from '../complaints/reopen-complaint.ts';
import { LOW_RATING } from '../complaints/rate-complaint.ts';
import { requireText, TEXT_LIMITS } from '../staff/staff-input.ts';

export async function recordRatingByStaff(ctx: AppContext, tx: Tx, opts: { complaintId: number; actor: Actor; rating: string; comment: string }) {
  const raw = (opts.rating ?? '').trim();
  if (!raw) throw new AppError('INVALID_INPUT', 'rating not chosen', { field: 'rating', reason: 'notChosen' });
  if (!/^[1-5]$/.test(raw)) throw new AppError('INVALID_INPUT', `rating ${raw} is not 1–5`, { field: 'rating', reason: 'unknownOption' });
  const rating = Number(raw);
  const comment = requireText(opts.comment, 'note', TEXT_LIMITS.reason, { optional: true }) || null;
  const current = await lockComplaint(tx, opts.complaintId, 'close');
  const customer = await tx.customer.findUniqueOrThrow({ where: { id: current.customerId }, select: { platform: true } });
  if (customer.platform !== OFFLINE_CHANNEL) throw new AppError('FORBIDDEN', 'the customer rates in their chat', { reason: 'hasChat' });
  if (current.status !== 'resolved') throw new AppError('TRANSITION_NOT_ALLOWED', `${current.number} is ${current.status}, not waiting for a rating`, { complaint: current });
  const at = ctx.now();
  const low = rating <= LOW_RATING;
  await changeStatus(tx, {
    complaintId: current.id,
    action: low ? 'reopen' : 'close',
    actor: opts.actor,
    at,
    data: { rating, ratingComment: comment, ratedAt: at, ...(low ? reopenedFields(ctx, current.severity as Severity, at, current.departmentId) : { closedAt: at, closeReason: 'rated' }) },
    details: { rating, ...(comment ? { comment } : {}), enteredBy: 'staff', ...(low ? { previousResolution: current.resolution } : {}) },
  });
  return { rating, reopened: low };
}
