/**
 * The one allowed extension of the resolve deadline, with a reason the customer is told together with
 * the new expected time (seeds: explain why, and give the expected time). It may not pass the hard limit.
 */
import type { Tx } from '../../store/database.ts';
import { EXTENSION_OPTIONS, extendResolveDue } from '../../domain/deadline-adjustments.ts';
import type { AppContext } from '../shared/context.ts';
import { changeStatus, type Actor } from './change-status.ts';
import { AppError } from '../shared/errors.ts';
import { lockComplaint } from './lock-complaint.ts';
import { notifyCustomer } from './notify-customer.ts';
import { formatLocalTime } from '../shared/format.ts';
import { requireChoice, requireText, TEXT_LIMITS } from '../staff/staff-input.ts';

export async function extendComplaintDeadline(ctx: AppContext, tx: Tx, opts: { complaintId: number; actor: Actor; extension: string; reason: string }) {
  const current = await lockComplaint(tx, opts.complaintId, 'extend_deadline');
  if (current.deadlineExtended) throw new AppError('INVALID_INPUT', 'already extended', { field: 'extension', reason: 'alreadyExtended' });
  const option = requireChoice(opts.extension, 'extension', EXTENSION_OPTIONS);
  const reason = requireText(opts.reason, 'reason', TEXT_LIMITS.reason);
  const { resolveDueAt, addedMinutes } = extendResolveDue(current.resolveDueAt, option, ctx.calendarFor(current.departmentId));
  const tz = ctx.calendar.timeZone;
  if (resolveDueAt.getTime() > current.hardLimitAt.getTime())
    throw new AppError('INVALID_INPUT', 'beyond the hard limit', { field: 'extension', reason: 'beyondHardLimit', hardLimit: formatLocalTime(current.hardLimitAt, tz) });
  const at = ctx.now();
  const { before } = await changeStatus(tx, {
    complaintId: current.id,
    action: 'extend_deadline',
    actor: opts.actor,
    at,
    data: { resolveDueAt, deadlineExtended: true, extensionMinutes: addedMinutes },
    details: { option, reason, previousDueAt: current.resolveDueAt.toISOString(), resolveDueAt: resolveDueAt.toISOString() },
  });
  await notifyCustomer(ctx, tx, before, 'staffNotice.extended', { number: before.number, due: formatLocalTime(resolveDueAt, tz), reason }, at);
  return { before, resolveDueAt };
}
