/**
 * Staff correct a complaint's category or severity: every deadline is recomputed from the original
 * clock start with the new severity, keeping the time already spent waiting for the customer and an
 * extension granted earlier. After a reopening, the resolve deadline is the reopened round's (counted from the
 * reopening, keeping this round's waiting time and extension) and the recontact deadline stays as it is.
 * The department stays (a transfer is its own action).
 */
import type { Tx } from '../../store/database.ts';
import { SEVERITIES, type Severity } from '../../domain/sla.ts';
import { deadlinesAfterSeverityChange } from '../../domain/deadline-adjustments.ts';
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
  // After a transfer the accept clock runs from the transfer; after a reopening the resolve clock from the reopening.
  const transfer = current.status === 'registered' ? await tx.complaintEvent.findFirst({ where: { complaintId: current.id, type: 'transfer' }, orderBy: { id: 'desc' } }) : null;
  const reopen = await tx.complaintEvent.findFirst({ where: { complaintId: current.id, type: 'reopen' }, orderBy: { id: 'desc' } });
  const deadlines = deadlinesAfterSeverityChange({
    severity,
    policy: ctx.sla,
    calendar: ctx.calendarFor(current.departmentId),
    complaint: current,
    transferredAt: transfer?.at ?? null,
    reopenedAt: reopen?.at ?? null,
  });
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
