/**
 * Staff reopen a resolved or closed complaint (e.g. the customer was not satisfied): the resolution is
 * cleared and a new handling round starts (reopenRound): the customer must be contacted again within the
 * recontact clock (48 business hours), the resolve clock starts again, and the round has no extension yet.
 */
import type { Tx } from '../../store/database.ts';
import type { Severity } from '../../domain/sla.ts';
import { reopenRound } from '../../domain/deadline-adjustments.ts';
import { formatLocalTime } from '../shared/format.ts';
import type { AppContext } from '../shared/context.ts';
import { changeStatus, type Actor } from './change-status.ts';
import { lockComplaint } from './lock-complaint.ts';
import { notifyCustomer } from './notify-customer.ts';
import { requireText, TEXT_LIMITS } from '../staff/staff-input.ts';

/** What reopening resets, whoever reopens: the resolution goes, and a new round starts (recontact, resolve, no extension). */
export function reopenedFields(ctx: AppContext, severity: Severity, at: Date, departmentId: string) {
  const round = reopenRound({ at, severity, policy: ctx.sla, calendar: ctx.calendarFor(departmentId) });
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
    ...round,
  };
}

export async function reopenComplaint(ctx: AppContext, tx: Tx, opts: { complaintId: number; actor: Actor; reason: string }) {
  const current = await lockComplaint(tx, opts.complaintId, 'reopen');
  const reason = requireText(opts.reason, 'reason', TEXT_LIMITS.reason);
  const at = ctx.now();
  const fields = reopenedFields(ctx, current.severity as Severity, at, current.departmentId);
  const { before } = await changeStatus(tx, {
    complaintId: current.id,
    action: 'reopen',
    actor: opts.actor,
    at,
    data: fields,
    details: { reason, previousResolution: current.resolution, ...(current.deadlineExtended ? { previousExtensionMinutes: current.extensionMinutes } : {}) },
  });
  const due = formatLocalTime(fields.firstReplyDueAt, ctx.calendar.timeZone);
  await notifyCustomer(ctx, tx, before, 'staffNotice.reopened', { number: before.number, due }, at);
  return { before, recontactDueAt: fields.firstReplyDueAt };
}
