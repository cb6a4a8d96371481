/**
 * SLA clocks: pure deadline arithmetic on top of the business calendar (see docs/domain.md, Time limits).
 * All clock lengths are BUSINESS minutes, counted only inside the calendar's working time.
 */
import {
  addBusinessMinutes,
  addWorkingDays,
  businessMinutesBetween,
  isWorkingTime,
  nextWorkingInstant,
  type BusinessCalendar,
} from './calendar.ts';

export type Severity = 'general' | 'important' | 'major';
export type ClockName = 'accept' | 'firstReply' | 'resolve';

export const SEVERITIES: readonly Severity[] = ['general', 'important', 'major'];
export const CLOCK_NAMES: readonly ClockName[] = ['accept', 'firstReply', 'resolve'];

export interface SlaPolicy {
  /** business minutes per severity and clock */
  clocks: Record<Severity, Record<ClockName, number>>;
  /** hard limit for complex cases, in working days (see addWorkingDays) */
  hardLimitWorkingDays: number;
  /** a complaint received outside working hours must reach the department within this many business
   *  minutes of work starting */
  afterHoursIntakeMinutes: number;
}

/** docs/domain.md's default table, in business minutes. */
export const DEFAULT_SLA_POLICY: SlaPolicy = Object.freeze({
  clocks: Object.freeze({
    general: Object.freeze({ accept: 120, firstReply: 1440, resolve: 1440 }),
    important: Object.freeze({ accept: 60, firstReply: 360, resolve: 360 }),
    major: Object.freeze({ accept: 30, firstReply: 240, resolve: 720 }),
  }),
  hardLimitWorkingDays: 15,
  afterHoursIntakeMinutes: 60,
}) as SlaPolicy;

export interface Deadlines {
  /** when the clocks start: registeredAt if inside working time, else the next working start */
  clockStartAt: Date;
  /** set only when the complaint was registered outside working time: it must reach the owning
   *  department by then (clockStartAt + afterHoursIntakeMinutes business minutes); null otherwise */
  intakeDueAt: Date | null;
  acceptDueAt: Date;
  firstReplyDueAt: Date;
  resolveDueAt: Date;
  /** end of the hardLimitWorkingDays-th working day after the local date of clockStartAt */
  hardLimitAt: Date;
}

interface DeadlineArgs {
  severity: Severity;
  policy: SlaPolicy;
  calendar: BusinessCalendar;
}

function fromClockStart(clockStartAt: Date, intakeDueAt: Date | null, a: DeadlineArgs): Deadlines {
  const clocks = a.policy.clocks[a.severity];
  if (!clocks) throw new RangeError(`unknown severity ${JSON.stringify(a.severity)}`);
  return {
    clockStartAt,
    intakeDueAt,
    acceptDueAt: addBusinessMinutes(clockStartAt, clocks.accept, a.calendar),
    firstReplyDueAt: addBusinessMinutes(clockStartAt, clocks.firstReply, a.calendar),
    resolveDueAt: addBusinessMinutes(clockStartAt, clocks.resolve, a.calendar),
    hardLimitAt: addWorkingDays(clockStartAt, a.policy.hardLimitWorkingDays, a.calendar),
  };
}

/**
 * Deadlines of a newly registered complaint. clockStartAt = nextWorkingInstant(registeredAt);
 * each due = addBusinessMinutes(clockStartAt, policy minutes); hardLimitAt = addWorkingDays(clockStartAt, N).
 */
export function computeDeadlines(args: DeadlineArgs & { registeredAt: Date }): Deadlines {
  const { registeredAt, policy, calendar } = args;
  const clockStartAt = nextWorkingInstant(registeredAt, calendar);
  const intakeDueAt = isWorkingTime(registeredAt, calendar)
    ? null
    : addBusinessMinutes(clockStartAt, policy.afterHoursIntakeMinutes, calendar);
  return fromClockStart(clockStartAt, intakeDueAt, args);
}

/**
 * Deadlines after a severity change: the ORIGINAL clockStartAt (and intakeDueAt) are kept and every
 * due is recomputed from it with the new severity's minutes — so an upgrade can yield dues already
 * in the past (the caller escalates them). Extensions granted earlier are NOT carried over; re-apply
 * them with extendDeadline if they should survive.
 */
export function recomputeDeadlines(
  args: DeadlineArgs & { previous: Pick<Deadlines, 'clockStartAt'> & Partial<Pick<Deadlines, 'intakeDueAt'>> },
): Deadlines {
  return fromClockStart(args.previous.clockStartAt, args.previous.intakeDueAt ?? null, args);
}

/**
 * Contacting an unsatisfied customer again after a reopening (回访不满意客户, docs/domain.md: "within 48 h"),
 * in BUSINESS minutes like every other clock: a rating given late on a Friday does not make the deadline
 * fall on Sunday.
 */
export const RECONTACT_MINUTES = 48 * 60;

/** The recontact deadline of a round reopened at `at`: RECONTACT_MINUTES of working time from the next working instant. */
export function recontactDueAt(at: Date, cal: BusinessCalendar): Date {
  return addBusinessMinutes(nextWorkingInstant(at, cal), RECONTACT_MINUTES, cal);
}

/** A due moved later by `extraBusinessMinutes` of working time (0 → unchanged; negative throws). */
export function extendDeadline(due: Date, extraBusinessMinutes: number, cal: BusinessCalendar): Date {
  return addBusinessMinutes(due, extraBusinessMinutes, cal);
}

/**
 * Fraction of the clock's business time elapsed at `now`:
 * businessMinutesBetween(startAt, now) / businessMinutesBetween(startAt, dueAt).
 * 0 before startAt; >= 1 exactly when now >= dueAt (for dues produced by addBusinessMinutes); it
 * grows past 1 only while working time passes (it stays at 1 overnight after an 18:00 due).
 * A clock with no business time (dueAt <= startAt, or no working time between) is 0 before dueAt and
 * 1 from dueAt on. Remind at >= 0.75, escalate at >= 1.
 */
export function clockProgress(args: { startAt: Date; dueAt: Date; now: Date; calendar: BusinessCalendar }): number {
  const { startAt, dueAt, now, calendar } = args;
  const total = businessMinutesBetween(startAt, dueAt, calendar);
  if (total <= 0) return now.getTime() >= dueAt.getTime() ? 1 : 0;
  return businessMinutesBetween(startAt, now, calendar) / total;
}

const DURATION = /^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$/i;

/**
 * Parses a business-time duration into minutes: '2h' → 120, '30m' → 30, '1h30m' / '1h 30m' → 90,
 * '30min' → 30, '0m' → 0. Hours then minutes, non-negative integers, case-insensitive.
 * Days are deliberately NOT supported ('15d' → null): a business "day" is ambiguous (24 business hours
 * ≈ 3 working days vs one working day); express day limits in working days (hardLimitWorkingDays).
 * Anything else (empty, bare numbers, decimals, negative, unknown units) → null.
 */
export function parseDuration(text: string): number | null {
  if (typeof text !== 'string') return null;
  const m = DURATION.exec(text);
  if (!m || (m[1] === undefined && m[2] === undefined)) return null;
  return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
}

/** Human-readable problems with a policy (for the config layer); empty when valid. */
export function validateSlaPolicy(policy: SlaPolicy): string[] {
  const problems: string[] = [];
  const nonNeg = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  for (const sev of SEVERITIES) {
    const row = policy.clocks?.[sev];
    if (!row) {
      problems.push(`clocks.${sev}: missing`);
      continue;
    }
    for (const clock of CLOCK_NAMES) {
      if (!nonNeg(row[clock])) problems.push(`clocks.${sev}.${clock}: must be a number of business minutes >= 0`);
    }
  }
  if (!Number.isInteger(policy.hardLimitWorkingDays) || policy.hardLimitWorkingDays < 0) {
    problems.push('hardLimitWorkingDays: must be an integer >= 0');
  }
  if (!nonNeg(policy.afterHoursIntakeMinutes)) problems.push('afterHoursIntakeMinutes: must be a number of minutes >= 0');
  return problems;
}
