/**
 * The SLA sweep: looks only at complaints whose `nextDueAt` has come (an index range, never every
 * complaint), and for each, under its row lock, plans with the domain (src/domain/sla-clocks.ts) and
 * carries the plan out — upgrade, escalation, reminders, alerts, re-posts — in one transaction, then
 * stores when to look again. Several sweeps at once (instances, a slow run overlapping the next) skip
 * each other's rows, and the notice records keep every message to once.
 */
import type { Tx } from '../../store/database.ts';
import type { Complaint } from '../../store/generated/client.ts';
import type { Status } from '../../domain/lifecycle.ts';
import type { Severity } from '../../domain/sla.ts';
import { noticeKey, planSla, TOP_TIER, type ClockFacts, type ClockMemo, type ClockRules, type NoticeClock, type NoticeKind, type RunningClock } from '../../domain/sla-clocks.ts';
import type { AppContext } from '../shared/context.ts';
import { clockRulesFromConfig } from './clock-rules.ts';
import { escalateOverdueComplaint } from './escalate-overdue-complaints.ts';
import { sendSlaNotice, type NoticeStep } from './send-sla-reminders.ts';
import { upgradeMonthOldComplaint } from './upgrade-month-old-complaints.ts';

export interface SweepCounts {
  complaints: number;
  reminders: number;
  alerts: number;
  escalations: number;
  reposts: number;
  supervisorAlerts: number;
  upgrades: number;
  failed: number;
}

const RETRY_AFTER_FAILURE_MS = 5 * 60_000;
const MAX_PLAN_ROUNDS = 4;

/** The facts the domain plans with: the row, plus transfers, reopenings and what reached the customer. */
export async function loadClockFacts(tx: Tx, c: Complaint): Promise<ClockFacts> {
  const rounds = await tx.$queryRaw<{ type: string; n: number; last: Date }[]>`
    SELECT "type", count(*)::int AS "n", max("at") AS "last" FROM "ComplaintEvent"
    WHERE "complaintId" = ${c.id} AND "type" IN ('transfer', 'reopen') GROUP BY "type"`;
  const transfer = rounds.find((r) => r.type === 'transfer');
  const reopen = rounds.find((r) => r.type === 'reopen');
  let resultDelivered = false;
  let surveyDelivered = false;
  if (c.status === 'resolved' && c.resolvedAt) {
    const [delivered] = await tx.$queryRaw<{ result: boolean | null; survey: boolean | null }[]>`
      SELECT bool_or("payload"->'notice'->>'kind' = 'resolution') AS "result", bool_or("payload"->'notice'->>'kind' = 'rating') AS "survey"
      FROM "OutboxMessage"
      WHERE "complaintId" = ${c.id} AND "channel" IN ('telegram', 'wechat') AND "status" = 'sent' AND "createdAt" >= ${c.resolvedAt}`;
    resultDelivered = Boolean(delivered?.result);
    surveyDelivered = Boolean(delivered?.survey) || (c.ratedAt !== null && c.ratedAt >= c.resolvedAt);
  }
  return {
    status: c.status as Status,
    severity: c.severity as Severity,
    registeredAt: c.registeredAt,
    clockStartAt: c.clockStartAt,
    intakeDueAt: c.intakeDueAt,
    acceptDueAt: c.acceptDueAt,
    firstReplyDueAt: c.firstReplyDueAt,
    resolveDueAt: c.resolveDueAt,
    hardLimitAt: c.hardLimitAt,
    firstReplyAt: c.firstReplyAt,
    resolvedAt: c.resolvedAt,
    pausedAt: c.pausedAt,
    pausedMinutes: c.pausedMinutes,
    escalationTier: c.escalationTier,
    escalatedAt: c.escalatedAt,
    escalationDueAt: c.escalationDueAt,
    transfers: transfer?.n ?? 0,
    transferredAt: transfer?.last ?? null,
    reopens: reopen?.n ?? 0,
    reopenedAt: reopen?.last ?? null,
    resultDelivered,
    surveyDelivered,
  };
}

async function sentKeys(tx: Tx, complaintId: number): Promise<Set<string>> {
  const rows = await tx.slaNotice.findMany({ where: { complaintId }, select: { clock: true, cycle: true, kind: true } });
  return new Set(rows.map((r) => noticeKey(r.clock as NoticeClock, r.cycle, r.kind as NoticeKind)));
}

async function schedule(tx: Tx, id: number, next: Date | null, clocks: RunningClock[]): Promise<void> {
  const feedback = clocks.find((c) => c.id === 'feedback')?.dueAt ?? null;
  const survey = clocks.find((c) => c.id === 'survey')?.dueAt ?? null;
  await tx.$executeRaw`
    UPDATE "Complaint" SET "nextDueAt" = ${next},
      "feedbackDueAt" = COALESCE(${feedback}::timestamp(3), "feedbackDueAt"), "surveyDueAt" = COALESCE(${survey}::timestamp(3), "surveyDueAt")
    WHERE "id" = ${id}`;
}

/** One complaint, in the caller's transaction: plan, act, plan again until nothing is due now. */
async function sweepOne(ctx: AppContext, tx: Tx, id: number, now: Date, rules: ClockRules, counts: SweepCounts): Promise<void> {
  const locked = await tx.$queryRaw<{ id: number }[]>`SELECT "id" FROM "Complaint" WHERE "id" = ${id} AND "nextDueAt" <= ${now} FOR UPDATE SKIP LOCKED`;
  if (locked.length === 0) return; // another sweep holds it, or it was handled meanwhile
  counts.complaints++;
  let complaint: Complaint | null = null;
  let facts: ClockFacts | null = null;
  let sent = new Set<string>();
  const memo: ClockMemo = new Map();
  for (let round = 0; round < MAX_PLAN_ROUNDS; round++) {
    // Reload only after something changed the complaint; sending notices changes nothing but `sent`.
    if (!complaint || !facts) {
      complaint = await tx.complaint.findUniqueOrThrow({ where: { id } });
      facts = await loadClockFacts(tx, complaint);
      sent = await sentKeys(tx, id);
    }
    const plan = planSla({ facts, sent, now, rules, calendar: ctx.calendar, memo });
    if (plan.steps.length === 0) {
      await schedule(tx, id, plan.nextDueAt, plan.clocks);
      return;
    }
    if (plan.steps[0]!.kind === 'upgrade') {
      await upgradeMonthOldComplaint(ctx, tx, complaint, now);
      counts.upgrades++;
      complaint = null;
      continue;
    }
    const steps = plan.steps as NoticeStep[];
    const escalating = plan.escalate && complaint.escalationTier < TOP_TIER ? steps.filter((s) => s.kind === 'overdue' && s.clock.onOverdue === 'escalate') : [];
    if (escalating.length) {
      const overdue = escalating.map((s) => (s as Extract<NoticeStep, { kind: 'overdue' }>).clock);
      if ((await escalateOverdueComplaint(ctx, tx, complaint, overdue, now)) !== null) counts.escalations++;
    }
    for (const step of steps) {
      if (escalating.includes(step)) continue;
      sent.add(step.kind === 'supervisor' ? noticeKey('severity', 0, 'supervisor') : noticeKey(step.clock.id, step.clock.cycle, step.kind));
      if (!(await sendSlaNotice(ctx, tx, complaint, step, now))) continue;
      if (step.kind === 'remind') counts.reminders++;
      else if (step.kind === 'overdue') counts.alerts++;
      else if (step.kind === 'repost') counts.reposts++;
      else counts.supervisorAlerts++;
    }
    if (escalating.length) complaint = null;
  }
  await tx.$executeRaw`UPDATE "Complaint" SET "nextDueAt" = ${new Date(now.getTime() + 60_000)} WHERE "id" = ${id}`;
}

/**
 * Runs the sweep at `now` (default ctx.now()) over every complaint due by then, in batches, each
 * complaint in its own transaction. A complaint that fails is logged and looked at again in 5 minutes.
 */
export async function sweepSlaClocks(ctx: AppContext, opts: { now?: Date; batchSize?: number } = {}): Promise<SweepCounts> {
  const now = opts.now ?? ctx.now();
  const batchSize = opts.batchSize ?? 200;
  const rules = clockRulesFromConfig(ctx.config);
  const counts: SweepCounts = { complaints: 0, reminders: 0, alerts: 0, escalations: 0, reposts: 0, supervisorAlerts: 0, upgrades: 0, failed: 0 };
  const seen: number[] = [];
  for (;;) {
    const due = await ctx.db.$queryRaw<{ id: number }[]>`
      SELECT "id" FROM "Complaint" WHERE "nextDueAt" <= ${now} AND NOT ("id" = ANY(${seen}::int[]))
      ORDER BY "nextDueAt", "id" LIMIT ${batchSize}`;
    for (const { id } of due) {
      seen.push(id);
      try {
        await ctx.db.$transaction((tx) => sweepOne(ctx, tx, id, now, rules, counts), { timeout: 30_000 });
      } catch (error) {
        counts.failed++;
        ctx.log.error({ err: error, complaintId: id }, 'SLA sweep failed for a complaint; retrying in 5 minutes');
        await ctx.db.$executeRaw`UPDATE "Complaint" SET "nextDueAt" = ${new Date(now.getTime() + RETRY_AFTER_FAILURE_MS)} WHERE "id" = ${id}`;
      }
    }
    if (due.length < batchSize) break;
  }
  if (counts.reminders + counts.alerts + counts.escalations + counts.reposts + counts.supervisorAlerts + counts.upgrades > 0) ctx.outboxChanged();
  return counts;
}

/** When the sweep next has work: the earliest `nextDueAt` of any complaint (null when no clock is waiting). */
export async function nextSweepDueAt(ctx: AppContext): Promise<Date | null> {
  const { _min } = await ctx.db.complaint.aggregate({ _min: { nextDueAt: true } });
  return _min.nextDueAt;
}
