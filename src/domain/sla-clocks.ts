/**
 * Which SLA clocks of a complaint are running, and what the sweep must do about them now: remind the
 * owner at 75 %, raise an overdue clock (escalate one tier, or alert), re-post an after-hours complaint
 * at work start, tell the supervisor about an important/major complaint, upgrade a month-old complaint.
 * Pure: the caller passes the facts, the time and what was already sent; the plan says what to do and
 * when to look again (`nextDueAt`).
 */
import { DateTime } from 'luxon';
import { addBusinessMinutes, businessMinutesBetween, nextWorkingInstant, type BusinessCalendar } from './calendar.ts';
import type { Status } from './lifecycle.ts';
import type { Severity } from './sla.ts';

export const CLOCK_IDS = ['intake', 'accept', 'firstReply', 'recontact', 'resolve', 'hardLimit', 'feedback', 'survey', 'tier1', 'tier2'] as const;
export type ClockId = (typeof CLOCK_IDS)[number];
/** A notice's clock: a real clock, or 'severity' for the supervisor's heads-up about an important/major complaint. */
export type NoticeClock = ClockId | 'severity';
export type NoticeKind = 'remind' | 'overdue' | 'repost' | 'supervisor';

/** The highest escalation tier: 0 department, 1 supervisor, 2 general manager. */
export const TOP_TIER = 2;

/** What the planner needs to know about one complaint. */
export interface ClockFacts {
  status: Status;
  severity: Severity;
  registeredAt: Date;
  clockStartAt: Date;
  intakeDueAt: Date | null;
  acceptDueAt: Date;
  firstReplyDueAt: Date;
  resolveDueAt: Date;
  hardLimitAt: Date;
  firstReplyAt: Date | null;
  resolvedAt: Date | null;
  /** set while the complaint waits for the customer: its clocks stand still */
  pausedAt: Date | null;
  /** business minutes already added to resolveDueAt and hardLimitAt for waiting */
  pausedMinutes: number;
  escalationTier: number;
  escalatedAt: Date | null;
  escalationDueAt: Date | null;
  /** transfers so far and the latest one: the accept clock starts again at each */
  transfers: number;
  transferredAt: Date | null;
  /** reopenings so far and the latest one: first reply (then called recontact) and resolve start again at each */
  reopens: number;
  reopenedAt: Date | null;
  /** the resolution of this round has reached the customer */
  resultDelivered: boolean;
  /** the satisfaction survey of this round has reached the customer, or they rated already */
  surveyDelivered: boolean;
}

export interface ClockRules {
  /** 0 < remindAt < 1: share of a clock after which its owner is reminded */
  remindAt: number;
  /** business minutes of the follow-up clocks after resolution */
  followUp: { result: number; survey: number };
  /** business minutes of the supervisor's and the general manager's own clock */
  tierMinutes: { supervisor: number; manager: number };
  upgradeAfterMonths: number;
  timeZone: string;
}

export interface RunningClock {
  id: ClockId;
  cycle: number;
  startAt: Date;
  dueAt: Date;
  /** when the owner is reminded; null for clocks without a reminder (intake) */
  remindAt: Date | null;
  /** escalate one tier when it runs out (open complaints), or only alert the supervisor / manager */
  onOverdue: 'escalate' | 'alert';
}

export type SlaStep =
  | { kind: 'upgrade'; upgradeAt: Date }
  | { kind: 'supervisor'; dueAt: Date }
  | { kind: 'repost'; clock: RunningClock }
  | { kind: 'remind'; clock: RunningClock; leftMinutes: number }
  | { kind: 'overdue'; clock: RunningClock };

export interface SlaPlan {
  steps: SlaStep[];
  /** the clocks running now, the tier's own clock included */
  clocks: RunningClock[];
  /** one tier up (at most one per pass, however many clocks ran out together) */
  escalate: boolean;
  /** the earliest moment something is due that is not due yet; null when nothing is left */
  nextDueAt: Date | null;
}

const OPEN: readonly Status[] = ['registered', 'accepted', 'in_progress', 'waiting_customer', 'reopened'];
/** statuses in which the department owes work (waiting for the customer is paused) */
const WORKING: readonly Status[] = ['registered', 'accepted', 'in_progress', 'reopened'];

export function noticeKey(clock: NoticeClock, cycle: number, kind: NoticeKind): string {
  return `${clock}:${cycle}:${kind}`;
}

/** The instant a month-old complaint becomes major: registration + N calendar months, in the company's zone. */
export function upgradeInstant(registeredAt: Date, rules: Pick<ClockRules, 'upgradeAfterMonths' | 'timeZone'>): Date {
  return DateTime.fromJSDate(registeredAt).setZone(rules.timeZone).plus({ months: rules.upgradeAfterMonths }).toJSDate();
}

/**
 * Remembers reminder instants between calls for the same clock (business-time arithmetic over weeks is
 * the costly part of planning); pass one per complaint and pass, or none.
 */
export type ClockMemo = Map<string, Date>;

function clock(id: ClockId, cycle: number, startAt: Date, dueAt: Date, onOverdue: RunningClock['onOverdue'], remind: boolean, pausedMinutes: number, rules: ClockRules, cal: BusinessCalendar, memo?: ClockMemo): RunningClock {
  let remindAt: Date | null = null;
  const key = `${id}|${startAt.getTime()}|${dueAt.getTime()}|${pausedMinutes}|${rules.remindAt}`;
  if (remind && memo?.has(key)) remindAt = memo.get(key)!;
  else if (remind) {
    const total = businessMinutesBetween(startAt, dueAt, cal);
    // The clock's own length leaves out the time spent waiting for the customer (already added to the due).
    const length = Math.max(0, total - pausedMinutes);
    remindAt = total > 0 ? addBusinessMinutes(startAt, Math.max(0, total - (1 - rules.remindAt) * length), cal) : dueAt;
    memo?.set(key, remindAt);
  }
  return { id, cycle, startAt, dueAt, remindAt, onOverdue };
}

/** The clocks running now (whether or not they already ran out). */
export function runningClocks(f: ClockFacts, rules: ClockRules, cal: BusinessCalendar, memo?: ClockMemo): RunningClock[] {
  const paused = f.status === 'waiting_customer' || f.pausedAt !== null;
  const working = WORKING.includes(f.status) && !paused;
  const clocks: RunningClock[] = [];
  const make = (id: ClockId, cycle: number, startAt: Date, dueAt: Date, onOverdue: RunningClock['onOverdue'], remind = true, pausedMinutes = 0) =>
    clocks.push(clock(id, cycle, startAt, dueAt, onOverdue, remind, pausedMinutes, rules, cal, memo));
  if (f.status === 'registered') {
    if (f.intakeDueAt && f.transfers === 0) make('intake', 0, f.clockStartAt, f.intakeDueAt, 'alert', false);
    const acceptStart = f.transferredAt ? nextWorkingInstant(f.transferredAt, cal) : f.clockStartAt;
    make('accept', f.transfers, acceptStart, f.acceptDueAt, 'escalate');
  }
  if (working) {
    const roundStart = f.reopenedAt && f.reopens > 0 ? nextWorkingInstant(f.reopenedAt, cal) : f.clockStartAt;
    // After a reopening the first-reply clock is the recontact clock: business time from the round's start.
    if (!f.firstReplyAt) make(f.reopens > 0 ? 'recontact' : 'firstReply', f.reopens, roundStart, f.firstReplyDueAt, 'escalate');
    make('resolve', f.reopens, roundStart, f.resolveDueAt, 'escalate', true, f.reopens > 0 ? 0 : f.pausedMinutes);
    make('hardLimit', 0, f.clockStartAt, f.hardLimitAt, 'escalate', true, f.pausedMinutes);
  }
  if (f.status === 'resolved' && f.resolvedAt) {
    if (!f.resultDelivered) make('feedback', f.reopens, f.resolvedAt, addBusinessMinutes(f.resolvedAt, rules.followUp.result, cal), 'alert');
    if (!f.surveyDelivered) make('survey', f.reopens, f.resolvedAt, addBusinessMinutes(f.resolvedAt, rules.followUp.survey, cal), 'alert');
  }
  return clocks;
}

/** The current tier's own clock: it runs while the complaint is escalated and some clock that escalates is past due. */
function tierClock(f: ClockFacts, clocks: RunningClock[], now: Date, rules: ClockRules, cal: BusinessCalendar, memo?: ClockMemo): RunningClock | null {
  if (f.escalationTier < 1 || !f.escalatedAt || !f.escalationDueAt) return null;
  if (!OPEN.includes(f.status) || f.status === 'waiting_customer' || f.pausedAt) return null;
  const inBreach = clocks.some((c) => c.onOverdue === 'escalate' && now.getTime() >= c.dueAt.getTime());
  if (!inBreach) return null;
  const tier = Math.min(f.escalationTier, TOP_TIER);
  return clock(tier === 1 ? 'tier1' : 'tier2', 0, f.escalatedAt, f.escalationDueAt, tier < TOP_TIER ? 'escalate' : 'alert', true, 0, rules, cal, memo);
}

/**
 * The due of the next tier's own clock, counted in business time from the minute of escalation. Sweeps
 * run on whole minutes, a little after the minute: counting from the sweep's exact instant put the due a
 * few hundred milliseconds after the later sweep's minute, and the next tier was called one sweep late
 * about half the time. From the whole minute, the sweep of the due minute always sees it due.
 */
export function tierDueAt(tier: number, at: Date, rules: Pick<ClockRules, 'tierMinutes'>, cal: BusinessCalendar): Date {
  const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
  return addBusinessMinutes(minute, tier >= TOP_TIER ? rules.tierMinutes.manager : rules.tierMinutes.supervisor, cal);
}

/**
 * What to do now and when to look again. `sent` holds noticeKey()s already recorded for the complaint.
 * An upgrade, when due, is the only step: the caller applies it and plans again with the new severity.
 */
export function planSla(args: { facts: ClockFacts; sent: ReadonlySet<string>; now: Date; rules: ClockRules; calendar: BusinessCalendar; memo?: ClockMemo }): SlaPlan {
  const { facts: f, sent, now, rules, calendar: cal, memo } = args;
  const t = now.getTime();
  const open = OPEN.includes(f.status);
  const candidates: number[] = [];

  if (open && f.severity !== 'major') {
    const upgradeAt = upgradeInstant(f.registeredAt, rules);
    if (t >= upgradeAt.getTime()) return { steps: [{ kind: 'upgrade', upgradeAt }], clocks: [], escalate: false, nextDueAt: now };
    candidates.push(upgradeAt.getTime());
  }

  const steps: SlaStep[] = [];
  if (open && f.severity !== 'general' && !sent.has(noticeKey('severity', 0, 'supervisor'))) steps.push({ kind: 'supervisor', dueAt: f.registeredAt });

  const clocks = runningClocks(f, rules, cal, memo);
  const tier = tierClock(f, clocks, now, rules, cal, memo);
  if (tier) clocks.push(tier);
  let escalate = false;
  for (const c of clocks) {
    const due = c.dueAt.getTime();
    if (c.id === 'intake' && !sent.has(noticeKey(c.id, c.cycle, 'repost'))) {
      if (t >= c.startAt.getTime()) steps.push({ kind: 'repost', clock: c });
      else candidates.push(c.startAt.getTime());
    }
    if (!sent.has(noticeKey(c.id, c.cycle, 'overdue'))) {
      if (t >= due) {
        steps.push({ kind: 'overdue', clock: c });
        if (c.onOverdue === 'escalate') escalate = true;
        continue;
      }
      candidates.push(due);
    }
    if (c.remindAt && t < due && !sent.has(noticeKey(c.id, c.cycle, 'remind'))) {
      if (t >= c.remindAt.getTime()) steps.push({ kind: 'remind', clock: c, leftMinutes: businessMinutesBetween(now, c.dueAt, cal) });
      else candidates.push(c.remindAt.getTime());
    }
  }
  const future = candidates.filter((c) => c > t);
  return { steps, clocks, escalate, nextDueAt: future.length ? new Date(Math.min(...future)) : null };
}
