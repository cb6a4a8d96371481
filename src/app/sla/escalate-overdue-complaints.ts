/**
 * The escalation ladder's automatic step: clocks of an open complaint ran out, so it goes one tier up
 * (department → supervisor → general manager) through the same escalation as the staff's manual one
 * (audit event `escalate` by `system`, the new tier notified where it sits), and the new tier gets its
 * own clock (`escalation.tierTime`). Clocks that ran out together escalate once.
 *
 * `escalateOverdueComplaints` does the same for a whole sweep batch with a fixed number of statements
 * (notices, the rows, the audit events, the cards: one each), whatever the batch's size.
 */
import type { Tx } from '../../store/database.ts';
import type { Complaint } from '../../store/generated/client.ts';
import { decide, isStatus } from '../../domain/lifecycle.ts';
import { tierDueAt, TOP_TIER, type RunningClock } from '../../domain/sla-clocks.ts';
import { t } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { announceEscalation, escalateComplaint } from '../complaints/escalate-complaint.ts';
import { refreshCardsOfComplaints, refreshComplaintCards } from '../complaints/complaint-cards.ts';
import { formatLocalTime } from '../shared/format.ts';
import { clockLabel, departmentOf, recordNotice } from './sla-notice.ts';
import { clockRulesFromConfig } from './clock-rules.ts';

/** The system's name in the audit trail and the reason the new tier reads (what happens when its own time runs out). */
function escalationFor(ctx: AppContext, complaint: Complaint, fresh: RunningClock[], now: Date) {
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
  return { tier, dueAt, reason, actor: { id: 'system', name: t(lang, 'system') } };
}

/** Escalates one tier for the clocks that ran out; returns the new tier, or null when another run did it already. */
export async function escalateOverdueComplaint(ctx: AppContext, tx: Tx, complaint: Complaint, overdue: RunningClock[], now: Date): Promise<number | null> {
  if (complaint.escalationTier >= TOP_TIER || overdue.length === 0) return null;
  const fresh: RunningClock[] = [];
  for (const c of overdue) {
    if (await recordNotice(tx, { complaintId: complaint.id, clock: c.id, cycle: c.cycle, kind: 'overdue', dueAt: c.dueAt }, now)) fresh.push(c);
  }
  if (fresh.length === 0) return null;
  const { tier, dueAt, reason, actor } = escalationFor(ctx, complaint, fresh, now);
  // Cards are drawn at send time, so this redraw already shows the escalation below.
  await refreshComplaintCards(tx, complaint.id, now);
  await escalateComplaint(ctx, tx, { complaintId: complaint.id, actor, reason, fromTier: complaint.escalationTier });
  await tx.$executeRaw`UPDATE "Complaint" SET "escalatedAt" = ${now}, "escalationDueAt" = ${dueAt} WHERE "id" = ${complaint.id}`;
  return tier;
}

export interface OverdueItem {
  /** the row as locked by the caller's transaction (FOR UPDATE) */
  complaint: Complaint;
  /** the clocks that ran out and escalate */
  overdue: RunningClock[];
}

export interface BatchEscalation {
  /** escalated now: the row as it is after the escalation */
  escalated: Map<number, Complaint>;
  /** nothing to do: every clock's overdue notice was recorded already (another run escalated) */
  already: Set<number>;
  /** not for the batch (a status the lifecycle does not escalate from): the caller does them one by one */
  rest: OverdueItem[];
}

/**
 * The batch form of escalateOverdueComplaint, for rows the caller's transaction has locked: the same
 * notices, tier, clock, audit event, messages and cards for each, with one statement per kind of write.
 * Rows stay locked, so no version check is needed; the version is still bumped as changeStatus does.
 */
export async function escalateOverdueComplaints(ctx: AppContext, tx: Tx, items: OverdueItem[], now: Date): Promise<BatchEscalation> {
  const result: BatchEscalation = { escalated: new Map(), already: new Set(), rest: [] };
  const ready: (OverdueItem & { to: string })[] = [];
  for (const item of items) {
    const { complaint, overdue } = item;
    const decision = isStatus(complaint.status) ? decide(complaint.status, 'escalate') : null;
    if (complaint.escalationTier >= TOP_TIER || overdue.length === 0) result.already.add(complaint.id);
    else if (!decision?.ok) result.rest.push(item);
    else ready.push({ ...item, to: decision.to });
  }
  if (!ready.length) return result;

  const notices = ready.flatMap(({ complaint, overdue }) => overdue.map((c) => ({ id: complaint.id, clock: c.id, cycle: c.cycle, dueAt: c.dueAt.toISOString() })));
  const recorded = await tx.$queryRaw<{ complaintId: number; clock: string; cycle: number }[]>`
    INSERT INTO "SlaNotice" ("complaintId", "clock", "cycle", "kind", "dueAt", "sentAt")
    SELECT n."id", n."clock", n."cycle", 'overdue', n."dueAt", ${now}::timestamp(3)
    FROM unnest(${notices.map((n) => n.id)}::int[], ${notices.map((n) => n.clock)}::text[], ${notices.map((n) => n.cycle)}::int[],
      ${notices.map((n) => n.dueAt)}::timestamp(3)[]) AS n("id", "clock", "cycle", "dueAt")
    ON CONFLICT ("complaintId", "clock", "cycle", "kind") DO NOTHING
    RETURNING "complaintId", "clock", "cycle"`;
  const isFresh = new Set(recorded.map((r) => `${r.complaintId}|${r.clock}|${r.cycle}`));

  const plans = [];
  for (const item of ready) {
    const fresh = item.overdue.filter((c) => isFresh.has(`${item.complaint.id}|${c.id}|${c.cycle}`));
    if (fresh.length === 0) result.already.add(item.complaint.id);
    else plans.push({ ...item, ...escalationFor(ctx, item.complaint, fresh, now) });
  }
  if (!plans.length) return result;

  await tx.$executeRaw`
    UPDATE "Complaint" c SET "escalationTier" = u."tier", "escalatedAt" = ${now}::timestamp(3), "escalationDueAt" = u."due", "status" = u."to",
      "version" = c."version" + 1, "updatedAt" = ${now}::timestamp(3), "nextDueAt" = ${now}::timestamp(3)
    FROM unnest(${plans.map((p) => p.complaint.id)}::int[], ${plans.map((p) => p.tier)}::int[], ${plans.map((p) => p.dueAt.toISOString())}::timestamp(3)[],
      ${plans.map((p) => p.to)}::text[]) AS u("id", "tier", "due", "to")
    WHERE c."id" = u."id"`;
  await tx.$executeRaw`
    INSERT INTO "ComplaintEvent" ("complaintId", "type", "fromStatus", "toStatus", "actor", "actorName", "data", "at")
    SELECT e."id", 'escalate', e."from", e."to", ${plans[0]!.actor.id}, ${plans[0]!.actor.name}, e."data"::jsonb, ${now}::timestamp(3)
    FROM unnest(${plans.map((p) => p.complaint.id)}::int[], ${plans.map((p) => p.complaint.status)}::text[], ${plans.map((p) => p.to)}::text[],
      ${plans.map((p) => JSON.stringify({ tier: p.tier, reason: p.reason }))}::text[]) AS e("id", "from", "to", "data")`;
  await refreshCardsOfComplaints(tx, new Map(plans.map((p) => [p.complaint.id, departmentOf(ctx.config, p.complaint.departmentId).chatId])), now);
  for (const p of plans) {
    await announceEscalation(ctx, tx, p.complaint, p.tier, p.actor, p.reason, now);
    result.escalated.set(p.complaint.id, { ...p.complaint, escalationTier: p.tier, escalatedAt: now, escalationDueAt: p.dueAt, status: p.to, version: p.complaint.version + 1, updatedAt: now, nextDueAt: now });
  }
  return result;
}
