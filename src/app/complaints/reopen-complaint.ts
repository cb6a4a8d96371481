/**
 * Staff reopen a resolved or closed complaint (e.g. the customer was not satisfied): the resolution is
 * cleared, the customer must be contacted again within 48 hours and the resolve clock starts again.
 */
import type { Tx } from '../../store/database.ts';
import { addBusinessMinutes, nextWorkingInstant } from '../../domain/calendar.ts';
import type { Severity } from '../../domain/sla.ts';
import type { AppContext } from '../shared/context.ts';
import { changeStatus, type Actor } from './change-status.ts';
import { lockComplaint } from './lock-complaint.ts';
import { notifyCustomer } from './notify-customer.ts';
import { requireText, TEXT_LIMITS } from '../staff/staff-input.ts';

export const RECONTACT_WITHIN_MS = 48 * 3600_000;

/** What reopening resets, whoever reopens: the resolution goes, contact again within 48 h, the resolve clock restarts. */
export function reopenedFields(ctx: AppContext, severity: Severity, at: Date, departmentId: string) {
  const calendar = ctx.calendarFor(departmentId);
  return {
    resolvedAt: null,
    resolution: null,
    causeCategory: null,
    causeDetail: null,
    improvement: null,
    compensationKind: null,
    compensationCents: null,
    closedAt: null,
    pausedAt: null,
    firstReplyAt: null,
    firstReplyDueAt: new Date(at.getTime() + RECONTACT_WITHIN_MS),
    resolveDueAt: addBusinessMinutes(nextWorkingInstant(at, calendar), ctx.sla.clocks[severity].resolve, calendar),
  };
}

export async function reopenComplaint(ctx: AppContext, tx: Tx, opts: { complaintId: number; actor: Actor; reason: string }) {
  const current = await lockComplaint(tx, opts.complaintId, 'reopen');
  const reason = requireText(opts.reason, 'reason', TEXT_LIMITS.reason);
  const at = ctx.now();
  const { before } = await changeStatus(tx, {
    complaintId: current.id,
    action: 'reopen',
    actor: opts.actor,
    at,
    data: reopenedFields(ctx, current.severity as Severity, at, current.departmentId),
    details: { reason, previousResolution: current.resolution },
  });
  await notifyCustomer(ctx, tx, before, 'staffNotice.reopened', { number: before.number }, at);
  return before;
}
