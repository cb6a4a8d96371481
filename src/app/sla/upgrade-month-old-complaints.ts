/**
 * A complaint still open a month (escalation.upgradeToMajorAfterMonths) after registration becomes
 * major (docs/domain.md): severity changed by `system` with the audit event of a reclassification, every
 * deadline recomputed for the new severity (keeping waiting time and an extension), the supervisor told
 * in the department's group, and the cards redrawn. The sweep then handles the deadlines now past.
 */
import type { Tx } from '../../store/database.ts';
import type { Complaint } from '../../store/generated/client.ts';
import { nextWorkingInstant } from '../../domain/calendar.ts';
import { reclassifyDeadlines } from '../../domain/deadline-adjustments.ts';
import { t } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { changeStatus } from '../complaints/change-status.ts';
import { enqueue } from '../shared/outbox.ts';
import { refreshComplaintCards } from '../complaints/complaint-cards.ts';
import { mention } from '../complaints/escalate-complaint.ts';
import { formatLocalTime } from '../shared/format.ts';
import { complaintLabels, departmentOf, recordNotice } from './sla-notice.ts';

export async function upgradeMonthOldComplaint(ctx: AppContext, tx: Tx, complaint: Complaint, now: Date): Promise<void> {
  const lang = ctx.config.defaultLanguage;
  const months = ctx.config.escalation.upgradeToMajorAfterMonths;
  // After a transfer the accept clock runs from the transfer, as for a staff reclassification.
  const transfer = complaint.status === 'registered' ? await tx.complaintEvent.findFirst({ where: { complaintId: complaint.id, type: 'transfer' }, orderBy: { id: 'desc' } }) : null;
  const deadlines = reclassifyDeadlines({
    severity: 'major',
    policy: ctx.sla,
    calendar: ctx.calendarFor(complaint.departmentId),
    clockStartAt: complaint.clockStartAt,
    intakeDueAt: complaint.intakeDueAt,
    pausedMinutes: complaint.pausedMinutes,
    extensionMinutes: complaint.extensionMinutes,
    acceptClockStartAt: transfer ? nextWorkingInstant(transfer.at, ctx.calendarFor(complaint.departmentId)) : undefined,
  });
  const { before } = await changeStatus(tx, {
    complaintId: complaint.id,
    action: 'change_classification',
    actor: { id: 'system', name: t(lang, 'system') },
    at: now,
    data: {
      severity: 'major',
      acceptDueAt: deadlines.acceptDueAt,
      firstReplyDueAt: deadlines.firstReplyDueAt,
      resolveDueAt: deadlines.resolveDueAt,
      hardLimitAt: deadlines.hardLimitAt,
    },
    details: {
      from: { category: complaint.category, severity: complaint.severity },
      category: complaint.category,
      severity: 'major',
      resolveDueAt: deadlines.resolveDueAt.toISOString(),
      reason: 'open_too_long',
      months,
    },
  });
  // The upgrade message is the supervisor's heads-up about a major complaint: no second one.
  await recordNotice(tx, { complaintId: complaint.id, clock: 'severity', cycle: 0, kind: 'supervisor', dueAt: complaint.registeredAt }, now);
  const department = departmentOf(ctx.config, before.departmentId);
  const labels = complaintLabels(ctx.config, before, lang);
  const text = mention(department.supervisor) + t(lang, 'jobs.upgraded', { ...labels, months, resolveDue: formatLocalTime(deadlines.resolveDueAt, ctx.calendar.timeZone) });
  await enqueue(tx, { channel: 'feishu', kind: 'text', target: department.chatId, payload: { text }, complaintId: complaint.id }, now);
  await refreshComplaintCards(tx, complaint.id, now);
}
