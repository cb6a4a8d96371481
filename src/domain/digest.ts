/**
 * The reports' maths, pure: percentiles as the database computes them (percentile_cont), SLA attainment,
 * rates, changes against the previous period, rating averages, and the periods themselves (ISO weeks
 * and months in the company's time zone). The database does the counting; these functions shape it.
 */
import { DateTime } from 'luxon';

/** The p-th percentile (0..1) with linear interpolation between closest ranks, like PostgreSQL's percentile_cont. */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile must be within 0..1, got ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function median(values: readonly number[]): number | null {
  return percentile(values, 0.5);
}

/** part / whole, or null when there is nothing to divide by. */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** Share of deadlines met among those that were judged (met or missed); null when none were. */
export function attainment(met: number, missed: number): number | null {
  return rate(met, met + missed);
}

export interface Change {
  /** current − previous */
  delta: number;
  /** delta / previous, or null when the previous value was 0 */
  relative: number | null;
}

/** The change against the previous period; null when either side is unknown. */
export function change(current: number | null, previous: number | null): Change | null {
  if (current === null || previous === null) return null;
  return { delta: current - previous, relative: previous === 0 ? null : (current - previous) / previous };
}

/** Average of a 1..5 rating distribution (`counts[0]` = number of 1s); null without ratings. */
export function ratingAverage(counts: readonly number[]): number | null {
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return null;
  return counts.reduce((sum, c, i) => sum + c * (i + 1), 0) / n;
}

export interface Period {
  start: Date;
  end: Date;
}

/** Monday 00:00 (local) of the ISO week containing `at`. */
export function weekStartOf(at: Date, timeZone: string): Date {
  return DateTime.fromJSDate(at).setZone(timeZone).startOf('week').toJSDate();
}

export function weekOf(weekStart: Date, timeZone: string): Period {
  const start = DateTime.fromJSDate(weekStart).setZone(timeZone).startOf('week');
  return { start: start.toJSDate(), end: start.plus({ weeks: 1 }).toJSDate() };
}

/** The ISO week label of a week, e.g. 2026-W48. */
export function isoWeekLabel(weekStart: Date, timeZone: string): string {
  return DateTime.fromJSDate(weekStart).setZone(timeZone).toFormat("kkkk-'W'WW");
}

/** '2026-W47' (or 2026w47) → Monday 00:00 local of that ISO week; null when it is not a real week. */
export function parseIsoWeek(text: string, timeZone: string): Date | null {
  const m = /^\s*(\d{4})-?[Ww](\d{1,2})\s*$/.exec(text);
  if (!m) return null;
  const dt = DateTime.fromObject({ weekYear: Number(m[1]), weekNumber: Number(m[2]), weekday: 1 }, { zone: timeZone });
  if (!dt.isValid || dt.weekNumber !== Number(m[2])) return null;
  return dt.startOf('day').toJSDate();
}

/** The first instant (local midnight on the 1st) of the month containing `at`. */
export function monthStartOf(at: Date, timeZone: string): Date {
  return DateTime.fromJSDate(at).setZone(timeZone).startOf('month').toJSDate();
}

export function monthOf(monthStart: Date, timeZone: string): Period {
  const start = DateTime.fromJSDate(monthStart).setZone(timeZone).startOf('month');
  return { start: start.toJSDate(), end: start.plus({ months: 1 }).toJSDate() };
}

/** 'YYYY-MM' of a month start, in the company's zone. */
export function monthLabel(monthStart: Date, timeZone: string): string {
  return DateTime.fromJSDate(monthStart).setZone(timeZone).toFormat('yyyy-LL');
}

/** The `count` months ending with the month of `monthStart`, oldest first, as 'YYYY-MM'. */
export function monthsEndingWith(monthStart: Date, count: number, timeZone: string): string[] {
  const last = DateTime.fromJSDate(monthStart).setZone(timeZone).startOf('month');
  return Array.from({ length: count }, (_, i) => last.minus({ months: count - 1 - i }).toFormat('yyyy-LL'));
}

/** The `count` + 1 month boundaries (local midnight on the 1st) of the `count` months ending with `monthStart`'s month. */
export function monthBoundaries(monthStart: Date, count: number, timeZone: string): Date[] {
  const last = DateTime.fromJSDate(monthStart).setZone(timeZone).startOf('month');
  return Array.from({ length: count + 1 }, (_, i) => last.minus({ months: count - 1 - i }).toJSDate());
}

/** The local midnights bounding a period's days (days + 1 instants). */
export function dayBoundaries(period: Period, timeZone: string): Date[] {
  const out: Date[] = [];
  let d = DateTime.fromJSDate(period.start).setZone(timeZone).startOf('day');
  for (; d.toMillis() < period.end.getTime(); d = d.plus({ days: 1 })) out.push(d.toJSDate());
  out.push(d.toJSDate());
  return out;
}

/** The local dates 'YYYY-MM-DD' of a period's days, in order. */
export function daysOf(period: Period, timeZone: string): string[] {
  const out: string[] = [];
  for (let d = DateTime.fromJSDate(period.start).setZone(timeZone).startOf('day'); d.toMillis() < period.end.getTime(); d = d.plus({ days: 1 })) out.push(d.toFormat('yyyy-LL-dd'));
  return out;
}
