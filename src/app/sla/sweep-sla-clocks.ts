/**
 * The SLA sweep: looks only at complaints whose `nextDueAt` has come (an index range, never every
 * complaint), a batch at a time in one short transaction: locks the batch's rows (FOR UPDATE SKIP
 * LOCKED, so sweeps of other instances skip them), loads their clock facts and sent notices with three
 * statements for the whole batch, plans each with the domain (src/domain/sla-clocks.ts), records every
 * reminder and alert of the batch in one INSERT (the notices' unique key keeps each to once), queues
 * their texts in one INSERT, and stores when to look again in one UPDATE. A complaint whose plan changes
 * it (upgrade, escalation) or re-posts its card is carried out one by one, in the same transaction.
 * Only one sweep runs at a time (a lease row; a sweep that finds it taken does nothing), and between
 * batches the embedded database is free for customers' messages.
 */
import type { Tx } from '../../store/database.ts';
import type { Complaint } from '../../store/generated/client.ts';
import type { Status } from '../../domain/lifecycle.ts';
import type { Severity } from '../../domain/sla.ts';
import { noticeKey, planSla, TOP_TIER, type ClockFacts, type ClockMemo, type ClockRules, type NoticeClock, type NoticeKind, type RunningClock } from '../../domain/sla-clocks.ts';
import type { AppContext } from '../shared/context.ts';
import { batchOutbox } from '../shared/outbox.ts';
import { clockRulesFromConfig } from './clock-rules.ts';
import { escalateOverdueComplaint, escalateOverdueComplaints, type OverdueItem } from './escalate-overdue-complaints.ts';
import { noticeRecord, queueSlaNotice, sendSlaNotice, type NoticeStep } from './send-sla-reminders.ts';
import { upgradeMonthOldComplaint, upgradeMonthOldComplaints, type UpgradeItem } from './upgrade-month-old-complaints.ts';

export interface SweepCounts {
  complaints: number;
  reminders: number;
  alerts: number;
  escalations: number;
  reposts: number;
  supervisorAlerts: number;
  upgrades: number;
  failed: number;
  /** true when another sweep was running: this one did nothing */
  skipped?: boolean;
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
  let result = false;
  let survey = false;
  if (c.status === 'resolved' && c.resolvedAt) {
    const [delivered] = await tx.$queryRaw<{ result: boolean | null; survey: boolean | null }[]>`
      SELECT bool_or("payload"->'notice'->>'kind' = 'resolution') AS "result", bool_or("payload"->'notice'->>'kind' = 'rating') AS "survey"
      FROM "OutboxMessage"
      WHERE "complaintId" = ${c.id} AND "channel" IN ('telegram', 'wechat') AND "status" = 'sent' AND "createdAt" >= ${c.resolvedAt}`;
    result = Boolean(delivered?.result);
    survey = Boolean(delivered?.survey);
  }
  return factsOf(c, { transfer, reopen, result, survey });
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
async function sweepOne(ctx: AppContext, tx: Tx, id: number, now: Date, rules: ClockRules, counts: SweepCounts, memoFor: (departmentId: string) => ClockMemo, lockedAlready = false): Promise<void> {
  if (!lockedAlready) {
    const locked = await tx.$queryRaw<{ id: number }[]>`SELECT "id" FROM "Complaint" WHERE "id" = ${id} AND "nextDueAt" <= ${now} FOR UPDATE SKIP LOCKED`;
    if (locked.length === 0) return; // another sweep holds it, or it was handled meanwhile
    counts.complaints++;
  }
  let complaint: Complaint | null = null;
  let facts: ClockFacts | null = null;
  let sent = new Set<string>();
  for (let round = 0; round < MAX_PLAN_ROUNDS; round++) {
    // Reload only after something changed the complaint; sending notices changes nothing but `sent`.
    if (!complaint || !facts) {
      complaint = await tx.complaint.findUniqueOrThrow({ where: { id } });
      facts = await loadClockFacts(tx, complaint);
      sent = await sentKeys(tx, id);
    }
    const plan = planSla({ facts, sent, now, rules, calendar: ctx.calendarFor(complaint.departmentId), memo: memoFor(complaint.departmentId) });
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

const ZERO: SweepCounts = { complaints: 0, reminders: 0, alerts: 0, escalations: 0, reposts: 0, supervisorAlerts: 0, upgrades: 0, failed: 0 };
/** The lease of the running sweep (a JobRun row): renewed every batch, taken over when older than this. */
const LEASE_JOB = 'sla-sweep-lease';
const LEASE_MS = 2 * 60_000;
/** Sweeps running in this process, by database client (a second one returns at once). */
const running = new WeakSet<object>();

async function takeLease(ctx: AppContext, now: Date): Promise<boolean> {
  const rows = await ctx.db.$queryRaw<{ job: string }[]>`
    INSERT INTO "JobRun" ("job", "slot", "startedAt") VALUES (${LEASE_JOB}, 'lease', ${now})
    ON CONFLICT ("job", "slot") DO UPDATE SET "startedAt" = EXCLUDED."startedAt", "finishedAt" = NULL
      WHERE "JobRun"."finishedAt" IS NOT NULL OR "JobRun"."startedAt" < ${new Date(now.getTime() - LEASE_MS)}
    RETURNING "job"`;
  return rows.length === 1;
}

async function releaseLease(ctx: AppContext, at: Date): Promise<void> {
  await ctx.db.$executeRaw`UPDATE "JobRun" SET "finishedAt" = ${at} WHERE "job" = ${LEASE_JOB} AND "slot" = 'lease'`;
}

/**
 * Runs the sweep at `now` (default ctx.now()) over every complaint due by then, in batches of
 * `batchSize` (default 50: a batch's transaction stays short, so the embedded database's only connection
 * is never held long). Returns `skipped` when another sweep holds the lease. A batch that fails is
 * redone one complaint per transaction; a complaint that fails is logged and looked at again in 5 minutes.
 */
export async function sweepSlaClocks(ctx: AppContext, opts: { now?: Date; batchSize?: number } = {}): Promise<SweepCounts> {
  const now = opts.now ?? ctx.now();
  if (running.has(ctx.db)) return { ...ZERO, skipped: true };
  running.add(ctx.db);
  try {
    if (!(await takeLease(ctx, now))) return { ...ZERO, skipped: true };
    try {
      return await sweepAll(ctx, now, opts.batchSize ?? 50);
    } finally {
      await releaseLease(ctx, now);
    }
  } finally {
    running.delete(ctx.db);
  }
}

async function sweepAll(ctx: AppContext, now: Date, batchSize: number): Promise<SweepCounts> {
  const rules = clockRulesFromConfig(ctx.config);
  const counts: SweepCounts = { ...ZERO };
  // Reminder instants are business-time arithmetic: remembered for the whole sweep (keys are the clocks' own instants).
  // (one memo per department: each department may keep its own calendar)
  const memos = new Map<string, ClockMemo>();
  const memo = (departmentId: string): ClockMemo => {
    let m = memos.get(departmentId);
    if (!m) memos.set(departmentId, (m = new Map()));
    return m;
  };
  const seen: number[] = [];
  for (;;) {
    let ids: number[] = [];
    try {
      await ctx.db.$transaction((tx) => batchOutbox(tx, async () => (ids = await sweepBatch(ctx, tx, now, batchSize, seen, rules, counts, memo))), { timeout: 60_000 });
    } catch (error) {
      ctx.log.warn({ err: error }, 'SLA sweep batch failed; redoing it one complaint at a time');
      ids = await redoOneByOne(ctx, now, batchSize, seen, rules, counts, memo);
    }
    seen.push(...ids);
    if (ids.length < batchSize) break;
    await ctx.db.$executeRaw`UPDATE "JobRun" SET "startedAt" = ${ctx.now()} WHERE "job" = ${LEASE_JOB} AND "slot" = 'lease'`;
    // Let customers' messages in between batches (the embedded database has one connection, and this one event loop).
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (counts.reminders + counts.alerts + counts.escalations + counts.reposts + counts.supervisorAlerts + counts.upgrades > 0) ctx.outboxChanged();
  return counts;
}

/** When the sweep next has work: the earliest `nextDueAt` of any complaint (null when no clock is waiting). */
export async function nextSweepDueAt(ctx: AppContext): Promise<Date | null> {
  const { _min } = await ctx.db.complaint.aggregate({ _min: { nextDueAt: true } });
  return _min.nextDueAt;
}

/** The batch's ids when the whole-batch transaction failed: each complaint again in its own transaction. */
async function redoOneByOne(ctx: AppContext, now: Date, batchSize: number, seen: number[], rules: ClockRules, counts: SweepCounts, memo: (departmentId: string) => ClockMemo): Promise<number[]> {
  const due = await ctx.db.$queryRaw<{ id: number }[]>`
    SELECT "id" FROM "Complaint" WHERE "nextDueAt" <= ${now} AND NOT ("id" = ANY(${seen}::int[]))
    ORDER BY "nextDueAt", "id" LIMIT ${batchSize}`;
  for (const { id } of due) {
    try {
      await ctx.db.$transaction((tx) => batchOutbox(tx, () => sweepOne(ctx, tx, id, now, rules, counts, memo)), { timeout: 30_000 });
    } catch (error) {
      counts.failed++;
      ctx.log.error({ err: error, complaintId: id }, 'SLA sweep failed for a complaint; retrying in 5 minutes');
      await ctx.db.$executeRaw`UPDATE "Complaint" SET "nextDueAt" = ${new Date(now.getTime() + RETRY_AFTER_FAILURE_MS)} WHERE "id" = ${id}`;
    }
  }
  return due.map((d) => d.id);
}

/** Facts for a batch with three statements: the rows are already locked and loaded. */
async function loadBatchFacts(tx: Tx, rows: Complaint[]): Promise<{ facts: Map<number, ClockFacts>; sent: Map<number, Set<string>> }> {
  const ids = rows.map((r) => r.id);
  const resolved = rows.filter((c) => c.status === 'resolved' && c.resolvedAt).map((c) => c.id);
  const rounds = await tx.$queryRaw<{ complaintId: number; type: string; n: number; last: Date }[]>`
    SELECT "complaintId", "type", count(*)::int AS "n", max("at") AS "last" FROM "ComplaintEvent"
    WHERE "complaintId" = ANY(${ids}::int[]) AND "type" IN ('transfer', 'reopen') GROUP BY "complaintId", "type"`;
  const delivered = resolved.length
    ? await tx.$queryRaw<{ complaintId: number; result: boolean | null; survey: boolean | null }[]>`
        SELECT o."complaintId", bool_or(o."payload"->'notice'->>'kind' = 'resolution') AS "result", bool_or(o."payload"->'notice'->>'kind' = 'rating') AS "survey"
        FROM "OutboxMessage" o JOIN "Complaint" c ON c."id" = o."complaintId"
        WHERE o."complaintId" = ANY(${resolved}::int[]) AND o."channel" IN ('telegram', 'wechat') AND o."status" = 'sent' AND o."createdAt" >= c."resolvedAt"
        GROUP BY o."complaintId"`
    : [];
  const notices = await tx.$queryRaw<{ complaintId: number; clock: string; cycle: number; kind: string }[]>`
    SELECT "complaintId", "clock", "cycle", "kind" FROM "SlaNotice" WHERE "complaintId" = ANY(${ids}::int[])`;
  const sent = new Map<number, Set<string>>(ids.map((id) => [id, new Set<string>()]));
  for (const n of notices) sent.get(n.complaintId)!.add(noticeKey(n.clock as NoticeClock, n.cycle, n.kind as NoticeKind));
  const facts = new Map<number, ClockFacts>();
  for (const c of rows) {
    const transfer = rounds.find((r) => r.complaintId === c.id && r.type === 'transfer');
    const reopen = rounds.find((r) => r.complaintId === c.id && r.type === 'reopen');
    const d = delivered.find((r) => r.complaintId === c.id);
    facts.set(c.id, factsOf(c, { transfer, reopen, result: Boolean(d?.result), survey: Boolean(d?.survey) }));
  }
  return { facts, sent };
}

function factsOf(c: Complaint, x: { transfer?: { n: number; last: Date }; reopen?: { n: number; last: Date }; result: boolean; survey: boolean }): ClockFacts {
  const resolvedRound = c.status === 'resolved' && c.resolvedAt !== null;
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
    transfers: x.transfer?.n ?? 0,
    transferredAt: x.transfer?.last ?? null,
    reopens: x.reopen?.n ?? 0,
    reopenedAt: x.reopen?.last ?? null,
    resultDelivered: resolvedRound && x.result,
    surveyDelivered: resolvedRound && (x.survey || (c.ratedAt !== null && c.ratedAt >= c.resolvedAt!)),
  };
}

/** Dates as ISO text for an array parameter (cast to timestamp(3)[] in SQL; the zone suffix is ignored: stored times are UTC). */
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** One batch in the caller's transaction; returns the ids it locked. */
async function sweepBatch(ctx: AppContext, tx: Tx, now: Date, batchSize: number, seen: number[], rules: ClockRules, counts: SweepCounts, memo: (departmentId: string) => ClockMemo): Promise<number[]> {
  const rows = await tx.$queryRaw<Complaint[]>`
    SELECT * FROM "Complaint" WHERE "nextDueAt" <= ${now} AND NOT ("id" = ANY(${seen}::int[]))
    ORDER BY "nextDueAt", "id" LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`;
  if (!rows.length) return [];
  counts.complaints += rows.length;
  const { facts, sent } = await loadBatchFacts(tx, rows);
  const byId = new Map(rows.map((c) => [c.id, c]));
  const later: Complaint[] = []; // what the lifecycle refuses, or is still due after the rounds: one by one
  const scheduled: { id: number; next: Date | null; clocks: RunningClock[] }[] = [];
  // Rounds, as sweepOne plans again after each change: the batch's upgrades at once, then its escalations
  // at once, then every notice in one INSERT; whatever is still due is planned again in the next round.
  let pending = rows.map((c) => c.id);
  for (let round = 0; pending.length && round < MAX_PLAN_ROUNDS; round++) {
    const upgrades: UpgradeItem[] = [];
    const escalations: (OverdueItem & { others: NoticeStep[] })[] = [];
    const notices: { complaint: Complaint; step: NoticeStep }[] = [];
    const again = new Set<number>();
    for (const id of pending) {
      const c = byId.get(id)!;
      const f = facts.get(id)!;
      const plan = planSla({ facts: f, sent: sent.get(id)!, now, rules, calendar: ctx.calendarFor(c.departmentId), memo: memo(c.departmentId) });
      if (plan.steps.length === 0) scheduled.push({ id, next: plan.nextDueAt, clocks: plan.clocks });
      else if (plan.steps[0]!.kind === 'upgrade') upgrades.push({ complaint: c, transferredAt: f.transferredAt, reopenedAt: f.reopenedAt });
      else if (plan.escalate && c.escalationTier < TOP_TIER) {
        const steps = plan.steps as NoticeStep[];
        const escalating = steps.filter((s): s is Extract<NoticeStep, { kind: 'overdue' }> => s.kind === 'overdue' && s.clock.onOverdue === 'escalate');
        escalations.push({ complaint: c, overdue: escalating.map((s) => s.clock), others: steps.filter((s) => !escalating.includes(s as never)) });
      } else for (const step of plan.steps as NoticeStep[]) notices.push({ complaint: c, step });
    }

    if (upgrades.length) {
      const done = await upgradeMonthOldComplaints(ctx, tx, upgrades, now);
      counts.upgrades += done.upgraded.size;
      for (const item of done.rest) later.push(item.complaint);
      for (const [id, after] of done.upgraded) {
        byId.set(id, after);
        facts.set(id, { ...facts.get(id)!, severity: after.severity as Severity, acceptDueAt: after.acceptDueAt, firstReplyDueAt: after.firstReplyDueAt, resolveDueAt: after.resolveDueAt, hardLimitAt: after.hardLimitAt });
        sent.get(id)!.add(noticeKey('severity', 0, 'supervisor'));
        again.add(id);
      }
    }

    if (escalations.length) {
      const done = await escalateOverdueComplaints(ctx, tx, escalations, now);
      const rest = new Set(done.rest.map((r) => r.complaint.id));
      counts.escalations += done.escalated.size;
      for (const item of escalations) {
        const id = item.complaint.id;
        if (rest.has(id)) {
          later.push(item.complaint);
          continue;
        }
        for (const clock of item.overdue) sent.get(id)!.add(noticeKey(clock.id, clock.cycle, 'overdue'));
        // the other notices are sent as the complaint was before (as sweepOne does), the next round plans with the new tier
        for (const step of item.others) notices.push({ complaint: item.complaint, step });
        const after = done.escalated.get(id);
        if (after) {
          byId.set(id, after);
          facts.set(id, { ...facts.get(id)!, escalationTier: after.escalationTier, escalatedAt: after.escalatedAt, escalationDueAt: after.escalationDueAt });
        }
        again.add(id);
      }
    }

    if (notices.length) {
      const records = notices.map((n) => ({ complaintId: n.complaint.id, ...noticeRecord(n.step) }));
      const fresh = await tx.$queryRaw<{ complaintId: number; clock: string; cycle: number; kind: string }[]>`
        INSERT INTO "SlaNotice" ("complaintId", "clock", "cycle", "kind", "dueAt", "sentAt")
        SELECT n."complaintId", n."clock", n."cycle", n."kind", n."dueAt", ${now}::timestamp(3)
        FROM unnest(${records.map((r) => r.complaintId)}::int[], ${records.map((r) => r.clock)}::text[], ${records.map((r) => r.cycle)}::int[],
          ${records.map((r) => r.kind)}::text[], ${records.map((r) => iso(r.dueAt))}::timestamp(3)[]) AS n("complaintId", "clock", "cycle", "kind", "dueAt")
        ON CONFLICT ("complaintId", "clock", "cycle", "kind") DO NOTHING
        RETURNING "complaintId", "clock", "cycle", "kind"`;
      const isFresh = new Set(fresh.map((f) => `${f.complaintId}|${noticeKey(f.clock as NoticeClock, f.cycle, f.kind as NoticeKind)}`));
      for (const { complaint, step } of notices) {
        const r = noticeRecord(step);
        const key = noticeKey(r.clock, r.cycle, r.kind);
        sent.get(complaint.id)!.add(key);
        again.add(complaint.id);
        if (!isFresh.has(`${complaint.id}|${key}`)) continue;
        await queueSlaNotice(ctx, tx, complaint, step, now);
        if (step.kind === 'remind') counts.reminders++;
        else if (step.kind === 'overdue') counts.alerts++;
        else counts.supervisorAlerts++;
      }
    }
    pending = [...again];
  }
  for (const id of pending) later.push(byId.get(id)!);

  if (scheduled.length) {
    const due = (s: (typeof scheduled)[number], id: 'feedback' | 'survey') => iso(s.clocks.find((c) => c.id === id)?.dueAt ?? null);
    await tx.$executeRaw`
      UPDATE "Complaint" c SET "nextDueAt" = u."next",
        "feedbackDueAt" = COALESCE(u."feedback", c."feedbackDueAt"), "surveyDueAt" = COALESCE(u."survey", c."surveyDueAt")
      FROM unnest(${scheduled.map((s) => s.id)}::int[], ${scheduled.map((s) => iso(s.next))}::timestamp(3)[],
        ${scheduled.map((s) => due(s, 'feedback'))}::timestamp(3)[], ${scheduled.map((s) => due(s, 'survey'))}::timestamp(3)[]) AS u("id", "next", "feedback", "survey")
      WHERE c."id" = u."id"`;
  }
  for (const c of later) await sweepOne(ctx, tx, c.id, now, rules, counts, memo, true);
  return rows.map((r) => r.id);
}
