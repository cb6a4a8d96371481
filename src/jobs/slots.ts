/**
 * The schedules of the jobs, as data: a cron expression for node-cron, and the latest slot at or before
 * an instant (what a restarted instance makes up). Pure; all in the company's time zone.
 */
import { DateTime } from 'luxon';

export type Schedule =
  | { kind: 'every'; minutes: number }
  /** `at` 'HH:mm' local, every day */
  | { kind: 'daily'; at: string }
  /** ISO weekday 1 = Monday … 7 = Sunday; `at` 'HH:mm' local */
  | { kind: 'weekly'; weekday: number; at: string }
  | { kind: 'monthly'; dayOfMonth: number; at: string }
  /**
   * The first working day after each quarter or year ends (the business calendar decides; the predicate
   * takes a local 'YYYY-MM-DD'), at `at` local: 2027-01-04 when 1–3 January are a holiday.
   */
  | { kind: 'firstWorkingDayAfter'; period: 'quarter' | 'year'; at: string; isWorkingDate: (localDate: string) => boolean };

/** Days searched for a working day after a period starts (a calendar with none gets the period's first day). */
const MAX_SEARCH_DAYS = 60;

/** The slot of the period that starts at `start` (local): its first working day at `at`. */
function firstWorkingDaySlot(s: Extract<Schedule, { kind: 'firstWorkingDayAfter' }>, start: DateTime): DateTime {
  const { hour, minute } = hhmm(s.at);
  let day = start.startOf('day');
  for (let i = 0; i < MAX_SEARCH_DAYS; i++, day = day.plus({ days: 1 })) {
    if (s.isWorkingDate(day.toISODate()!)) return day.set({ hour, minute, second: 0, millisecond: 0 });
  }
  return start.startOf('day').set({ hour, minute, second: 0, millisecond: 0 });
}

function hhmm(at: string): { hour: number; minute: number } {
  const [h, m] = at.split(':').map(Number);
  return { hour: h!, minute: m! };
}

/** The node-cron expression (five fields, evaluated by node-cron in the configured time zone). */
export function cronExpression(s: Schedule): string {
  if (s.kind === 'every') return s.minutes === 1 ? '* * * * *' : s.minutes === 60 ? '0 * * * *' : `*/${s.minutes} * * * *`;
  const { hour, minute } = hhmm(s.at);
  if (s.kind === 'daily') return `${minute} ${hour} * * *`;
  if (s.kind === 'weekly') return `${minute} ${hour} * * ${s.weekday % 7}`;
  // Every day at `at`: the slot (the first working day after the period) is worked out when the tick comes.
  if (s.kind === 'firstWorkingDayAfter') return `${minute} ${hour} * * *`;
  return `${minute} ${hour} ${s.dayOfMonth} * *`;
}

/** The latest slot instant at or before `now`. */
export function lastSlotAt(s: Schedule, now: Date, timeZone: string): Date {
  const local = DateTime.fromJSDate(now).setZone(timeZone);
  if (s.kind === 'every') {
    const hour = local.startOf('hour');
    return hour.plus({ minutes: Math.floor(local.minute / s.minutes) * s.minutes }).toJSDate();
  }
  if (s.kind === 'firstWorkingDayAfter') {
    const unit = s.period;
    const slot = firstWorkingDaySlot(s, local.startOf(unit));
    return (slot > local ? firstWorkingDaySlot(s, local.startOf(unit).minus({ [`${unit}s`]: 1 })) : slot).toJSDate();
  }
  const { hour, minute } = hhmm(s.at);
  const time = { hour, minute, second: 0, millisecond: 0 };
  if (s.kind === 'daily') {
    const slot = local.set(time);
    return (slot > local ? local.minus({ days: 1 }).set(time) : slot).toJSDate();
  }
  if (s.kind === 'weekly') {
    let slot = local.set({ weekday: s.weekday as 1 | 2 | 3 | 4 | 5 | 6 | 7, ...time });
    if (slot > local) slot = slot.minus({ weeks: 1 }).set(time);
    return slot.toJSDate();
  }
  let slot = local.set({ day: s.dayOfMonth, ...time });
  if (slot > local) slot = local.minus({ months: 1 }).set({ day: s.dayOfMonth, ...time });
  return slot.toJSDate();
}

/** The first slot instant strictly after `now`. */
export function nextSlotAt(s: Schedule, now: Date, timeZone: string): Date {
  if (s.kind === 'firstWorkingDayAfter') {
    const local = DateTime.fromJSDate(now).setZone(timeZone);
    const slot = firstWorkingDaySlot(s, local.startOf(s.period));
    return (slot > local ? slot : firstWorkingDaySlot(s, local.startOf(s.period).plus({ [`${s.period}s`]: 1 }))).toJSDate();
  }
  const last = DateTime.fromJSDate(lastSlotAt(s, now, timeZone)).setZone(timeZone);
  if (s.kind === 'every') return last.plus({ minutes: s.minutes }).toJSDate();
  const { hour, minute } = hhmm(s.at);
  const time = { hour, minute, second: 0, millisecond: 0 };
  if (s.kind === 'daily') return last.plus({ days: 1 }).set(time).toJSDate();
  return (s.kind === 'weekly' ? last.plus({ weeks: 1 }).set(time) : last.plus({ months: 1 }).set({ day: s.dayOfMonth, ...time })).toJSDate();
}
