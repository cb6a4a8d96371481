/**
 * The escalation ladder's automatic step: clocks of an open complaint ran out, so it goes one tier up
 * (department → supervisor → general manager) through the same escalation as the staff's manual one
 * (audit event `escalate` by `system`, the new tier notified where it sits), and the new tier gets its
 * own clock (`escalation.tierTime`). Clocks that ran out together escalate once.
 */
import type { Tx } from '../../store/database.ts';
import type { Complaint } from '../../store/generated/client.ts';
import { tierDueAt, TOP_TIER, type RunningClock } from '../../domain/sla-clocks.ts';
import { t } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { escalateComplaint } from '../complaints/escalate-complaint.ts';
import { refreshComplaintCards } from '../complaints/complaint-cards.ts';
import { formatLocalTime } from '../shared/format.ts';
import { clockLabel, recordNotice } from './sla-notice.ts';
import { clockRulesFromConfig } from './clock-rules.ts';

/** Escalates one tier for the clocks that ran out; returns the new tier, or null when another run did it already. */
export async function escalateOverdueComplaint(ctx: AppContext, tx: Tx, complaint: Complaint, overdue: RunningClock[], now: Date): Promise<number | null> {
  if (complaint.escalationTier >= TOP_TIER || overdue.length === 0) return null;
  const fresh: RunningClock[] = [];
  for (const c of overdue) {
    if (await recordNotice(tx, { complaintId: complaint.id, clock: c.id, cycle: c.cycle, kind: 'overdue', dueAt: c.dueAt }, now)) fresh.push(c);
  }
  if (fresh.length === 0) return null;

  const lang = ctx.config.defaultLanguage;
  const tier = complaint.escalationTier + 1;
  const dueAt = tierDueAt(tier, now, clockRulesFromConfig(ctx.config), ctx.calendarFor(complaint.departmentId));
  const time = (d: Date) => formatLocalTime(d, ctx.calendar.timeZone);
  const earliest = fresh.reduce((a, b) => (a.dueAt.getTime() <= b.dueAt.getTime() ? a : b));
  // Say what happens when the new tier's own time runs out: the next tier is called, or (at the top) nobody is.
  const reason = t(lang, tier >= TOP_TIER ? 'jobs.escalationReason.top' : 'jobs.escalationReason.next', {
    clocks: fresh.map((c) => clockLabel(lang, c.id)).join(t(lang, 'jobs.listSeparator')),
    due: time(earliest.dueAt),
    tierDue: time(dueAt),
  });
  // Cards are drawn at send time, so this redraw already shows the escalation below.
  await refreshComplaintCards(tx, complaint.id, now);
  await escalateComplaint(ctx, tx, { complaintId: complaint.id, actor: { id: 'system', name: t(lang, 'system') }, reason, fromTier: complaint.escalationTier });
  await tx.$executeRaw`UPDATE "Complaint" SET "escalatedAt" = ${now}, "escalationDueAt" = ${dueAt} WHERE "id" = ${complaint.id}`;
  return tier;
}
