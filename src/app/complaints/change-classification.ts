/**
 * Staff correct a complaint's category or severity: every deadline is recomputed from the original
 * clock start with the new severity, keeping the time already spent waiting for the customer and an
 * extension granted earlier. After a reopening, the resolve deadline is the reopened round's (counted from the
 * reopening, keeping this round's waiting time and extension) and the recontact deadline stays as it is.
 * The department stays (a transfer is its own action).
 */
import type { Tx } from '../../store/database.ts';
import { nextWorkingInstant } from '../../domain/calendar.ts';
import { SEVERITIES, type Severity } from '../../domain/sla.ts';
import { reclassifyDeadlines, reclassifyReopenedResolveDue } from '../../domain/deadline-adjustments.ts';
import type { AppContext } from '../shared/context.ts';
import { changeStatus, type Actor } from './change-status.ts';
import { AppError } from '../shared/errors.ts';
import { lockComplaint } from './lock-complaint.ts';
import { requireChoice } from '../staff/staff-input.ts';

export async function changeClassification(ctx: AppContext, tx: Tx, opts: { complaintId: number; actor: Actor; category: string; severity: string }) {
  const current = await lockComplaint(tx, opts.complaintId, 'change_classification');
  const category = requireChoice(opts.category, 'category', ctx.config.categories.map((c) => c.id));
  const severity: Severity = requireChoice(opts.severity, 'severity', SEVERITIES);
  if (category === current.category && severity === current.severity) throw new AppError('INVALID_INPUT', 'nothing changed', { field: 'category', reason: 'unchanged' });
  // After a transfer the accept clock runs from the transfer, not from registration.
  const transfer = current.status === 'registered' ? await tx.complaintEvent.findFirst({ where: { complaintId: current.id, type: 'transfer' }, orderBy: { id: 'desc' } }) : null;
  const deadlines = reclassifyDeadlines({
    severity,
    policy: ctx.sla,
    calendar: ctx.calendarFor(current.departmentId),
    clockStartAt: current.clockStartAt,
    intakeDueAt: current.intakeDueAt,
    pausedMinutes: current.pausedMinutes,
    extensionMinutes: current.extensionMinutes,
    acceptClockStartAt: transfer ? nextWorkingInstant(transfer.at, ctx.calendarFor(current.departmentId)) : undefined,
  });
  // A reopened complaint is in a later handling round: its resolve clock counts from the reopening.
  const reopen = await tx.complaintEvent.findFirst({ where: { complaintId: current.id, type: 'reopen' }, orderBy: { id: 'desc' } });
  if (reopen) {
    deadlines.firstReplyDueAt = current.firstReplyDueAt;
    deadlines.resolveDueAt = reclassifyReopenedResolveDue({
      reopenedAt: reopen.at,
      currentResolveDueAt: current.resolveDueAt,
      oldSeverity: current.severity as Severity,
      severity,
      policy: ctx.sla,
      calendar: ctx.calendarFor(current.departmentId),
    });
  }
  const categoryConfig = ctx.config.categories.find((c) => c.id === category)!;
  const categoryName = typeof categoryConfig.name === 'string' ? categoryConfig.name : categoryConfig.name[ctx.config.defaultLanguage];
  const { before } = await changeStatus(tx, {
    complaintId: current.id,
    action: 'change_classification',
    actor: opts.actor,
    at: ctx.now(),
    data: {
      category,
      severity,
      acceptDueAt: deadlines.acceptDueAt,
      firstReplyDueAt: deadlines.firstReplyDueAt,
      resolveDueAt: deadlines.resolveDueAt,
      hardLimitAt: deadlines.hardLimitAt,
    },
    details: {
      from: { category: current.category, severity: current.severity },
      category,
      categoryName,
      severity,
      resolveDueAt: deadlines.resolveDueAt.toISOString(),
    },
  });
  return { before, deadlines, severity, categoryName };
}
