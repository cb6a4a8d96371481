/**
 * Business calendar: pure functions over instants (`Date`) and a calendar description.
 *
 * Model
 * - Every *local date* (in `cal.timeZone`) is either a working date or not:
 *   holidays are never working dates; make-up days (调休) are always working dates;
 *   any other date is a working date iff its ISO weekday is in `workingDays`.
 * - A working date has the working intervals `workingHours`, interpreted as local wall-clock times on
 *   that date. An interval is half-open: [start, end). `end` may be '24:00' (midnight ending the day).
 * - Durations are measured in real elapsed time inside the intervals. Across a DST switch an interval
 *   that contains the switch is one hour shorter/longer, exactly like a wall clock. A non-existent
 *   local time (spring-forward gap) is moved forward by luxon (02:30 → 03:30); an ambiguous local time
 *   (fall-back) resolves as luxon does (to the later, standard-time occurrence).
 * - Minutes may be fractional; internally everything is milliseconds.
 *
 * Every function validates the calendar first (validateCalendar) and throws an Error listing the
 * problems if it is invalid.
 * Safety: every search forward is capped (`MAX_SEARCH_DAYS`, about 3 years without any working time)
 * and throws a clear Error instead of looping; a calendar with no working time at all throws at once.
 */
import { DateTime, IANAZone } from 'luxon';

export interface WorkingHoursInterval {
  /** local 'HH:mm', 00:00..23:59 */
  start: string;
  /** local 'HH:mm', 00:01..24:00, after start */
  end: string;
}

export interface BusinessCalendar {
  /** IANA time zone, e.g. 'Asia/Shanghai' */
  timeZone: string;
  /** local 'HH:mm' intervals of each working day, sorted, non-overlapping */
  workingHours: WorkingHoursInterval[];
  /** ISO weekdays, 1 = Monday .. 7 = Sunday */
  workingDays: number[];
  /** 'YYYY-MM-DD' local dates that are off even on a working weekday */
  holidays: string[];
  /** 调休: 'YYYY-MM-DD' local dates that are working days even on a weekend */
  makeUpWorkdays: string[];
  /**
   * Years whose public holidays and make-up days are known (published and loaded). Absent for a calendar
   * that follows no public holidays (e.g. 24/7): such a calendar never lacks data.
   */
  officialYears?: number[];
}

export interface WorkingInterval {
  start: Date;
  end: Date;
}

/** Consecutive days without any working time after which a forward search gives up. */
export const MAX_SEARCH_DAYS = 3 * 366;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Parsing and validation

const HHMM = /^(\d{2}):(\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'HH:mm' → minutes after local midnight, or null. Accepts 00:00..23:59 and, if allowed, 24:00. */
function parseHhmm(text: unknown, allow24: boolean): number | null {
  if (typeof text !== 'string') return null;
  const m = HHMM.exec(text);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59) return null;
  if (h === 24 && min === 0 && allow24) return 24 * 60;
  if (h > 23) return null;
  return h * 60 + min;
}

/** Day number (days since 1970-01-01) of a valid 'YYYY-MM-DD', or null. */
function parseIsoDate(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = ISO_DATE.exec(text);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return Math.round(ms / DAY_MS);
}

function dayNumberToIso(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Human-readable problems with a calendar; an empty array means it is usable.
 * Checks: time zone, 'HH:mm' format, end after start, sorted and non-overlapping intervals,
 * weekdays 1..7, date format, a date listed both as holiday and make-up day, and no working time at all.
 */
export function validateCalendar(cal: BusinessCalendar): string[] {
  const problems: string[] = [];
  if (typeof cal.timeZone !== 'string' || !IANAZone.isValidZone(cal.timeZone)) {
    problems.push(`timeZone: unknown IANA time zone ${JSON.stringify(cal.timeZone)}`);
  }

  const hours = Array.isArray(cal.workingHours) ? cal.workingHours : [];
  if (!Array.isArray(cal.workingHours)) problems.push('workingHours: must be a list of {start, end}');
  else if (hours.length === 0) problems.push('workingHours: at least one interval is required');
  let prevEnd: number | null = null;
  let prevLabel = '';
  hours.forEach((iv, i) => {
    const label = `workingHours[${i}] (${iv?.start}-${iv?.end})`;
    const s = parseHhmm(iv?.start, false);
    const e = parseHhmm(iv?.end, true);
    if (s === null) problems.push(`${label}: start ${JSON.stringify(iv?.start)} is not a valid 'HH:mm' time (00:00-23:59)`);
    if (e === null) problems.push(`${label}: end ${JSON.stringify(iv?.end)} is not a valid 'HH:mm' time (00:01-24:00)`);
    if (s === null || e === null) {
      prevEnd = null;
      return;
    }
    if (e <= s) problems.push(`${label}: end must be after start`);
    if (prevEnd !== null && s < prevEnd) {
      problems.push(`${label}: overlaps or is not sorted after ${prevLabel}`);
    }
    prevEnd = Math.max(prevEnd ?? 0, e);
    prevLabel = label;
  });

  if (!Array.isArray(cal.workingDays)) problems.push('workingDays: must be a list of ISO weekdays 1..7');
  else {
    cal.workingDays.forEach((d, i) => {
      if (!Number.isInteger(d) || d < 1 || d > 7) {
        problems.push(`workingDays[${i}]: ${JSON.stringify(d)} is not an ISO weekday (1=Monday .. 7=Sunday)`);
      }
    });
  }

  const checkDates = (name: 'holidays' | 'makeUpWorkdays'): Set<string> => {
    const list = cal[name];
    const good = new Set<string>();
    if (!Array.isArray(list)) {
      problems.push(`${name}: must be a list of 'YYYY-MM-DD' dates`);
      return good;
    }
    list.forEach((d, i) => {
      if (parseIsoDate(d) === null) problems.push(`${name}[${i}]: ${JSON.stringify(d)} is not a valid 'YYYY-MM-DD' date`);
      else good.add(d);
    });
    return good;
  };
  const holidays = checkDates('holidays');
  const makeUps = checkDates('makeUpWorkdays');
  for (const d of holidays) {
    if (makeUps.has(d)) problems.push(`${d} is listed both as a holiday and as a make-up workday`);
  }

  const hasDays =
    (Array.isArray(cal.workingDays) && cal.workingDays.length > 0) ||
    (Array.isArray(cal.makeUpWorkdays) && cal.makeUpWorkdays.length > 0);
  if (!hasDays) problems.push('calendar has no working time: no workingDays and no makeUpWorkdays');
  else if (hours.length === 0) problems.push('calendar has no working time: no workingHours');
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Compiled calendar (parsed once per top-level call)

interface Compiled {
  zone: string;
  hours: { start: number; end: number }[]; // minutes after local midnight
  workingDays: Set<number>;
  holidays: Set<string>;
  makeUps: Set<string>;
  /** Working intervals per day number, computed once: a month-old complaint's clocks walk the same days again and again. */
  days: Map<number, readonly (readonly [number, number])[]>;
}

/** Days remembered per compiled calendar (about 27 years of days): beyond it the memo starts again. */
const DAY_MEMO_LIMIT = 10_000;

/** Compiled calendars, per calendar object; the fingerprint catches an object changed since. */
const compiledCache = new WeakMap<BusinessCalendar, { fingerprint: string; compiled: Compiled }>();

function compile(cal: BusinessCalendar): Compiled {
  // A frozen calendar (see freezeCalendar) cannot change: skip the fingerprint, which costs a JSON
  // serialisation of every holiday on every call.
  if (Object.isFrozen(cal)) {
    const known = compiledCache.get(cal);
    if (known) return known.compiled;
    const compiled = compileUncached(cal);
    compiledCache.set(cal, { fingerprint: '', compiled });
    return compiled;
  }
  const fingerprint = JSON.stringify(cal);
  const cached = compiledCache.get(cal);
  if (cached?.fingerprint === fingerprint) return cached.compiled;
  const compiled = compileUncached(cal);
  compiledCache.set(cal, { fingerprint, compiled });
  return compiled;
}

function compileUncached(cal: BusinessCalendar): Compiled {
  const problems = validateCalendar(cal);
  if (problems.length > 0) {
    const noTime = problems.some((p) => p.includes('no working time'));
    throw new Error(
      (noTime ? 'Business calendar has no working time; SLA deadlines cannot be computed. ' : '') +
        `Invalid business calendar: ${problems.join('; ')}`,
    );
  }
  const hours = cal.workingHours.map((iv) => ({
    start: parseHhmm(iv.start, false) as number,
    end: parseHhmm(iv.end, true) as number,
  }));
  return {
    zone: cal.timeZone,
    hours,
    workingDays: new Set(cal.workingDays),
    holidays: new Set(cal.holidays),
    makeUps: new Set(cal.makeUpWorkdays),
    days: new Map(),
  };
}

/** Day number (days since 1970-01-01) of the local date of an instant. */
function localDayNumber(at: Date, c: Compiled): number {
  const dt = DateTime.fromMillis(at.getTime(), { zone: c.zone });
  return Math.round(Date.UTC(dt.year, dt.month - 1, dt.day) / DAY_MS);
}

function isWorkingDayNumber(day: number, c: Compiled): boolean {
  const iso = dayNumberToIso(day);
  if (c.holidays.has(iso)) return false;
  if (c.makeUps.has(iso)) return true;
  const jsDay = new Date(day * DAY_MS).getUTCDay(); // 0 = Sunday
  return c.workingDays.has(jsDay === 0 ? 7 : jsDay);
}

/** Instant (ms) of a local wall-clock time on a day; `minutes` may be 1440 (midnight ending the day). */
function localInstant(day: number, minutes: number, c: Compiled): number {
  const d = new Date(day * DAY_MS + Math.floor(minutes / 1440) * DAY_MS);
  const m = minutes % 1440;
  return DateTime.fromObject(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: Math.floor(m / 60),
      minute: m % 60,
    },
    { zone: c.zone },
  ).toMillis();
}

/** Working intervals [start, end) in ms of a day number; empty on a non-working day. Memoised per calendar (pure in `day`). */
function intervalsOfDay(day: number, c: Compiled): readonly (readonly [number, number])[] {
  let known = c.days.get(day);
  if (!known) {
    if (c.days.size >= DAY_MEMO_LIMIT) c.days.clear();
    known = computeIntervalsOfDay(day, c);
    c.days.set(day, known);
  }
  return known;
}

function computeIntervalsOfDay(day: number, c: Compiled): [number, number][] {
  if (!isWorkingDayNumber(day, c)) return [];
  const out: [number, number][] = [];
  for (const h of c.hours) {
    const s = localInstant(day, h.start, c);
    const e = localInstant(day, h.end, c);
    if (e > s) out.push([s, e]); // an interval swallowed by a DST gap has no length
  }
  return out;
}

/**
 * Working intervals with end > `fromMs`, clipped to start at `fromMs`, in time order, starting with
 * the local date of `fromMs`. Throws when MAX_SEARCH_DAYS consecutive days have no working time.
 */
function* intervalsFrom(fromMs: number, c: Compiled): Generator<[number, number]> {
  let day = localDayNumber(new Date(fromMs), c);
  let emptyDays = 0;
  for (;;) {
    let found = false;
    for (const [s, e] of intervalsOfDay(day, c)) {
      if (e <= fromMs) continue;
      found = true;
      yield [Math.max(s, fromMs), e];
    }
    if (found) emptyDays = 0;
    else if (++emptyDays > MAX_SEARCH_DAYS) {
      throw new Error(
        `Business calendar has no working time within ${MAX_SEARCH_DAYS} days after ` +
          `${new Date(fromMs).toISOString()} (check workingDays, holidays and makeUpWorkdays)`,
      );
    }
    day++;
  }
}

function assertDate(d: Date, name: string): void {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new RangeError(`${name} must be a valid Date`);
}

function assertMinutes(minutes: number, name: string): void {
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError(`${name} must be a finite number of minutes >= 0, got ${minutes}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Local date 'YYYY-MM-DD' of an instant in the calendar's time zone. */
export function localDateOf(at: Date, cal: BusinessCalendar): string {
  assertDate(at, 'at');
  return dayNumberToIso(localDayNumber(at, compile(cal)));
}

/** Whether a local date 'YYYY-MM-DD' is a working day (holidays off, make-up days on, else by weekday). */
export function isWorkingDate(localDate: string, cal: BusinessCalendar): boolean {
  const day = parseIsoDate(localDate);
  if (day === null) throw new RangeError(`not a 'YYYY-MM-DD' date: ${JSON.stringify(localDate)}`);
  return isWorkingDayNumber(day, compile(cal));
}

/** Whether the local date of the instant `date` is a working day (hours of the day do not matter). */
export function isWorkingDay(date: Date, cal: BusinessCalendar): boolean {
  assertDate(date, 'date');
  const c = compile(cal);
  return isWorkingDayNumber(localDayNumber(date, c), c);
}

/** The working intervals [start, end) of a local date 'YYYY-MM-DD'; empty on a non-working day. */
export function workingIntervalsOn(localDate: string, cal: BusinessCalendar): WorkingInterval[] {
  const day = parseIsoDate(localDate);
  if (day === null) throw new RangeError(`not a 'YYYY-MM-DD' date: ${JSON.stringify(localDate)}`);
  return intervalsOfDay(day, compile(cal)).map(([s, e]) => ({ start: new Date(s), end: new Date(e) }));
}

/** Start of the first working interval of a local date, or null on a non-working day. */
export function startOfWorkingDay(localDate: string, cal: BusinessCalendar): Date | null {
  return workingIntervalsOn(localDate, cal)[0]?.start ?? null;
}

/** End of the last working interval of a local date, or null on a non-working day. */
export function endOfWorkingDay(localDate: string, cal: BusinessCalendar): Date | null {
  return workingIntervalsOn(localDate, cal).at(-1)?.end ?? null;
}

/** Whether `at` lies inside a working interval (start inclusive, end exclusive). */
export function isWorkingTime(at: Date, cal: BusinessCalendar): boolean {
  assertDate(at, 'at');
  const c = compile(cal);
  const t = at.getTime();
  return intervalsOfDay(localDayNumber(at, c), c).some(([s, e]) => s <= t && t < e);
}

/** `at` itself when it is working time, else the start of the next working interval. */
export function nextWorkingInstant(at: Date, cal: BusinessCalendar): Date {
  assertDate(at, 'at');
  const c = compile(cal);
  for (const [s] of intervalsFrom(at.getTime(), c)) return new Date(s);
  throw new Error('unreachable');
}

/**
 * The earliest instant t >= start with businessMinutesBetween(start, t) === minutes.
 * - minutes > 0 from outside working time counts from the next working start (20:00 + 30 min → 09:30).
 * - A result on an interval boundary is the END of the earlier interval (17:00 + 60 min → 18:00, not
 *   the next day's 09:00; 11:00 + 60 min → 12:00, not 13:30).
 * - minutes === 0 returns `start` unchanged (identity), even after hours; normalise with
 *   nextWorkingInstant if needed.
 * Throws RangeError for negative / non-finite minutes.
 */
export function addBusinessMinutes(start: Date, minutes: number, cal: BusinessCalendar): Date {
  assertDate(start, 'start');
  assertMinutes(minutes, 'minutes');
  const c = compile(cal);
  if (minutes === 0) return new Date(start.getTime());
  let remaining = Math.round(minutes * MINUTE_MS);
  for (const [s, e] of intervalsFrom(start.getTime(), c)) {
    const len = e - s;
    if (remaining <= len) return new Date(s + remaining);
    remaining -= len;
  }
  throw new Error('unreachable');
}

/** Working minutes in [from, to) (may be fractional for instants off the minute); 0 if to <= from. */
export function businessMinutesBetween(from: Date, to: Date, cal: BusinessCalendar): number {
  assertDate(from, 'from');
  assertDate(to, 'to');
  const c = compile(cal);
  const end = to.getTime();
  if (end <= from.getTime()) return 0;
  let total = 0;
  for (const [s, e] of intervalsFrom(from.getTime(), c)) {
    if (s >= end) break;
    total += Math.min(e, end) - s;
    if (e >= end) break;
  }
  return total / MINUTE_MS;
}

/**
 * 'N working days' after `start`: the END of the last working interval of the Nth working date,
 * counting working dates strictly after the local date of `start` (the start date itself never
 * counts, whether or not it is a working day or `start` is inside working hours).
 * Example (Mon–Fri, 09:00–18:00): Wednesday 10:00 + 1 → Thursday 18:00; Friday 20:00 + 1 → Monday 18:00.
 * days === 0 returns `start` unchanged. Throws RangeError unless days is an integer >= 0.
 */
export function addWorkingDays(start: Date, days: number, cal: BusinessCalendar): Date {
  assertDate(start, 'start');
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be an integer >= 0, got ${days}`);
  const c = compile(cal);
  if (days === 0) return new Date(start.getTime());
  let day = localDayNumber(start, c);
  let counted = 0;
  let emptyDays = 0;
  for (;;) {
    day++;
    const ivs = intervalsOfDay(day, c);
    if (ivs.length === 0) {
      if (++emptyDays > MAX_SEARCH_DAYS) {
        throw new Error(
          `Business calendar has no working time within ${MAX_SEARCH_DAYS} days after ${dayNumberToIso(day - emptyDays)}`,
        );
      }
      continue;
    }
    emptyDays = 0;
    if (++counted === days) return new Date(ivs[ivs.length - 1][1]);
  }
}

/** The calendar and its lists frozen, so its compiled form is reused without checking for changes. */
export function freezeCalendar(cal: BusinessCalendar): BusinessCalendar {
  for (const list of [cal.workingHours, cal.workingDays, cal.holidays, cal.makeUpWorkdays, cal.officialYears]) if (list) Object.freeze(list);
  cal.workingHours.forEach((iv) => Object.freeze(iv));
  return Object.freeze(cal);
}

/**
 * Local dates from the local date of `from` through `days` days later whose year has no known public
 * holidays (`officialYears`): deadlines on them would be computed as if there were no holidays.
 * Empty for a calendar without `officialYears` (it follows no public holidays).
 */
export function datesWithoutOfficialData(from: Date, days: number, cal: BusinessCalendar): string[] {
  assertDate(from, 'from');
  if (!cal.officialYears) return [];
  const known = new Set(cal.officialYears);
  const first = localDayNumber(from, compile(cal));
  const out: string[] = [];
  for (let day = first; day <= first + days; day++) {
    const iso = dayNumberToIso(day);
    if (!known.has(Number(iso.slice(0, 4)))) out.push(iso);
  }
  return out;
}
