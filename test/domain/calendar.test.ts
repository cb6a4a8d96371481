import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import {
  addBusinessMinutes,
  addWorkingDays,
  businessMinutesBetween,
  endOfWorkingDay,
  freezeCalendar,
  isWorkingDate,
  isWorkingDay,
  isWorkingTime,
  localDateOf,
  MAX_SEARCH_DAYS,
  nextWorkingInstant,
  startOfWorkingDay,
  validateCalendar,
  workingIntervalsOn,
  type BusinessCalendar,
} from '../../src/domain/calendar.ts';
import { SH } from './shanghai-calendar.ts';


// Europe/Berlin: DST starts Sun 2026-03-29 02:00 -> 03:00, ends Sun 2026-10-25 03:00 -> 02:00.
const BERLIN: BusinessCalendar = {
  timeZone: 'Europe/Berlin',
  workingHours: [{ start: '09:00', end: '18:00' }],
  workingDays: [1, 2, 3, 4, 5],
  holidays: [],
  makeUpWorkdays: [],
};
const BERLIN_NIGHT: BusinessCalendar = { ...BERLIN, workingHours: [{ start: '00:00', end: '06:00' }], workingDays: [1, 2, 3, 4, 5, 6, 7] };
const BERLIN_24_7: BusinessCalendar = { ...BERLIN, workingHours: [{ start: '00:00', end: '24:00' }], workingDays: [1, 2, 3, 4, 5, 6, 7] };

/** local 'yyyy-MM-dd HH:mm[:ss]' in the zone → Date */
function at(local: string, zone = 'Asia/Shanghai'): Date {
  const fmt = local.length > 16 ? 'yyyy-MM-dd HH:mm:ss' : 'yyyy-MM-dd HH:mm';
  const dt = DateTime.fromFormat(local, fmt, { zone });
  if (!dt.isValid) throw new Error(`bad fixture time ${local}`);
  return dt.toJSDate();
}
/** Date → local 'yyyy-MM-dd HH:mm' (with ':ss' if seconds are set) */
function fmt(d: Date, zone = 'Asia/Shanghai'): string {
  const dt = DateTime.fromJSDate(d, { zone });
  return dt.toFormat(dt.second || dt.millisecond ? 'yyyy-MM-dd HH:mm:ss.SSS' : 'yyyy-MM-dd HH:mm');
}

/** mulberry32: small seeded PRNG, deterministic across runs */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fixtures', () => {
  it('use the weekdays the comments claim', () => {
    const wd = (d: string) => DateTime.fromISO(d).weekday;
    expect([wd('2026-03-06'), wd('2026-03-07'), wd('2026-03-09'), wd('2026-03-10')]).toEqual([5, 6, 1, 2]);
    expect([wd('2026-09-27'), wd('2026-09-30'), wd('2026-10-01'), wd('2026-10-10')]).toEqual([7, 3, 4, 6]);
    expect([wd('2026-02-14'), wd('2026-02-28')]).toEqual([6, 6]);
    expect(validateCalendar(SH)).toEqual([]);
    expect(validateCalendar(BERLIN)).toEqual([]);
    expect(validateCalendar(BERLIN_24_7)).toEqual([]);
  });
});

describe('isWorkingDay / isWorkingDate', () => {
  it.each([
    ['2026-03-10 10:00', true, 'ordinary Tuesday'],
    ['2026-03-10 03:00', true, 'working day even at night'],
    ['2026-03-07 10:00', false, 'Saturday'],
    ['2026-03-08 10:00', false, 'Sunday'],
    ['2026-10-01 10:00', false, 'National Day (Thursday)'],
    ['2026-10-07 10:00', false, 'last holiday day'],
    ['2026-10-08 10:00', true, 'first day back'],
    ['2026-10-10 10:00', true, 'make-up Saturday'],
    ['2026-09-27 10:00', true, 'make-up Sunday'],
    ['2026-02-16 10:00', false, 'Spring Festival Monday'],
    ['2026-02-14 10:00', true, 'Spring Festival make-up Saturday'],
  ])('%s → %s (%s)', (local, expected) => {
    expect(isWorkingDay(at(local), SH)).toBe(expected);
  });

  it('uses the LOCAL date of the instant, not UTC', () => {
    // 2026-03-09 23:30 UTC = Tuesday 07:30 in Shanghai; Monday 2026-03-09 in UTC but Tuesday locally.
    const inst = new Date('2026-03-09T23:30:00Z');
    expect(localDateOf(inst, SH)).toBe('2026-03-10');
    // Friday 2026-03-06 20:00 UTC = Saturday 04:00 Shanghai → not a working day.
    expect(isWorkingDay(new Date('2026-03-06T20:00:00Z'), SH)).toBe(false);
  });

  it('isWorkingDate on local date strings, rejects bad dates', () => {
    expect(isWorkingDate('2026-10-10', SH)).toBe(true);
    expect(isWorkingDate('2026-10-03', SH)).toBe(false);
    expect(() => isWorkingDate('2026-02-30', SH)).toThrow(RangeError);
  });
});

describe('isWorkingTime', () => {
  it.each([
    ['2026-03-10 08:59', false],
    ['2026-03-10 09:00', true], // start inclusive
    ['2026-03-10 11:59', true],
    ['2026-03-10 12:00', false], // end exclusive
    ['2026-03-10 12:30', false], // lunch
    ['2026-03-10 13:30', true],
    ['2026-03-10 17:59:59', true],
    ['2026-03-10 18:00', false],
    ['2026-03-10 03:00', false],
    ['2026-03-07 10:00', false], // Saturday
    ['2026-10-10 10:00', true], // make-up Saturday
    ['2026-10-02 10:00', false], // holiday
  ])('%s → %s', (local, expected) => {
    expect(isWorkingTime(at(local), SH)).toBe(expected);
  });
});

describe('nextWorkingInstant', () => {
  it.each([
    ['2026-03-10 10:15', '2026-03-10 10:15', 'inside → itself'],
    ['2026-03-10 09:00', '2026-03-10 09:00', 'exactly at start'],
    ['2026-03-10 03:00', '2026-03-10 09:00', '03:00 → same morning'],
    ['2026-03-10 12:00', '2026-03-10 13:30', 'end of morning → after lunch'],
    ['2026-03-10 12:30', '2026-03-10 13:30', 'lunch'],
    ['2026-03-10 18:00', '2026-03-11 09:00', 'end of day'],
    ['2026-03-06 20:00', '2026-03-09 09:00', 'Friday evening → Monday'],
    ['2026-03-07 10:00', '2026-03-09 09:00', 'Saturday'],
    ['2026-09-30 18:30', '2026-10-08 09:00', 'holiday week skipped'],
    ['2026-10-09 19:00', '2026-10-10 09:00', 'make-up Saturday'],
    ['2026-09-26 10:00', '2026-09-27 09:00', 'Saturday before make-up Sunday'],
  ])('%s → %s (%s)', (from, expected) => {
    expect(fmt(nextWorkingInstant(at(from), SH))).toBe(expected);
  });

  it('keeps sub-minute precision inside working time', () => {
    const t = at('2026-03-10 10:15:30');
    expect(nextWorkingInstant(t, SH).getTime()).toBe(t.getTime());
  });
});

describe('addBusinessMinutes', () => {
  it.each([
    // [start, minutes, expected, case]
    ['2026-03-10 09:15', 60, '2026-03-10 10:15', 'inside one interval'],
    ['2026-03-10 11:30', 60, '2026-03-10 14:00', 'spanning lunch'],
    ['2026-03-10 17:30', 120, '2026-03-11 10:30', 'overnight'],
    ['2026-03-06 17:00', 120, '2026-03-09 10:00', 'Friday evening → Monday'],
    ['2026-03-06 20:00', 30, '2026-03-09 09:30', 'received Friday after hours'],
    ['2026-03-07 10:00', 30, '2026-03-09 09:30', 'received on a Saturday'],
    ['2026-03-08 23:59', 30, '2026-03-09 09:30', 'received late Sunday'],
    ['2026-03-10 03:00', 30, '2026-03-10 09:30', 'received at 03:00'],
    ['2026-03-10 12:30', 60, '2026-03-10 14:30', 'received at lunch'],
    ['2026-03-10 19:00', 30, '2026-03-11 09:30', 'received after hours, 30 min'],
    ['2026-09-30 17:00', 120, '2026-10-08 10:00', 'National Day week skipped'],
    ['2026-10-09 17:00', 120, '2026-10-10 10:00', 'make-up Saturday counted'],
    ['2026-09-25 17:00', 120, '2026-09-27 10:00', 'make-up Sunday counted'],
    ['2026-02-13 17:00', 120, '2026-02-14 10:00', 'make-up Saturday before Spring Festival'],
    ['2026-02-14 17:00', 120, '2026-02-24 10:00', 'Spring Festival skipped'],
    ['2026-03-10 09:00', 180, '2026-03-10 12:00', 'ends exactly at 12:00 → stays 12:00'],
    ['2026-03-10 09:00', 181, '2026-03-10 13:31', 'one minute more → after lunch'],
    ['2026-03-10 09:00', 450, '2026-03-10 18:00', 'a full day from 09:00 ends 18:00 same day'],
    ['2026-03-10 17:00', 60, '2026-03-10 18:00', 'ends exactly at 18:00 → stays 18:00'],
    ['2026-03-10 18:00', 1, '2026-03-11 09:01', 'from 18:00'],
    ['2026-03-10 12:00', 1, '2026-03-10 13:31', 'from 12:00'],
    ['2026-03-10 12:00', 270, '2026-03-10 18:00', 'from lunch start to day end'],
    ['2026-03-06 09:00', 900, '2026-03-09 18:00', 'two full days Fri+Mon'],
    ['2026-03-10 10:00', 1440, '2026-03-13 11:30', '24 business hours ≈ 3.2 working days'],
  ])('%s + %d → %s (%s)', (start, minutes, expected) => {
    expect(fmt(addBusinessMinutes(at(start), minutes, SH))).toBe(expected);
  });

  it('zero minutes is the identity, inside and outside working time', () => {
    for (const s of ['2026-03-10 09:00', '2026-03-10 10:15', '2026-03-10 18:00', '2026-03-10 20:00', '2026-03-07 10:00']) {
      expect(fmt(addBusinessMinutes(at(s), 0, SH))).toBe(s);
    }
  });

  it('keeps seconds and handles fractional minutes', () => {
    expect(fmt(addBusinessMinutes(at('2026-03-10 11:59:30'), 1, SH))).toBe('2026-03-10 13:30:30.000');
    expect(fmt(addBusinessMinutes(at('2026-03-10 09:00'), 0.5, SH))).toBe('2026-03-10 09:00:30.000');
  });

  it('rejects negative, NaN and infinite minutes and invalid dates', () => {
    expect(() => addBusinessMinutes(at('2026-03-10 09:00'), -1, SH)).toThrow(RangeError);
    expect(() => addBusinessMinutes(at('2026-03-10 09:00'), Number.NaN, SH)).toThrow(RangeError);
    expect(() => addBusinessMinutes(at('2026-03-10 09:00'), Infinity, SH)).toThrow(RangeError);
    expect(() => addBusinessMinutes(new Date('nope'), 10, SH)).toThrow(RangeError);
  });

  it('does not depend on the input Date object (returns a new Date)', () => {
    const s = at('2026-03-10 10:00');
    const r = addBusinessMinutes(s, 0, SH);
    expect(r).not.toBe(s);
    expect(r.getTime()).toBe(s.getTime());
  });
});

describe('businessMinutesBetween', () => {
  it.each([
    ['2026-03-10 09:00', '2026-03-10 18:00', 450, 'one full day'],
    ['2026-03-10 11:00', '2026-03-10 14:00', 90, 'across lunch'],
    ['2026-03-10 12:10', '2026-03-10 13:20', 0, 'inside lunch'],
    ['2026-03-10 17:30', '2026-03-11 10:30', 120, 'overnight'],
    ['2026-03-06 17:00', '2026-03-09 10:00', 120, 'over a weekend'],
    ['2026-03-07 00:00', '2026-03-09 00:00', 0, 'weekend only'],
    ['2026-09-30 00:00', '2026-10-09 00:00', 900, 'National Day: only 09-30 and 10-08 count'],
    ['2026-10-10 00:00', '2026-10-11 00:00', 450, 'make-up Saturday'],
    ['2026-03-02 00:00', '2026-03-09 00:00', 2250, 'one ordinary week = 5 × 450'],
    ['2026-03-10 10:00', '2026-03-10 10:00', 0, 'empty range'],
    ['2026-03-10 11:00', '2026-03-10 10:00', 0, 'to before from'],
  ])('[%s, %s) = %d (%s)', (from, to, expected) => {
    expect(businessMinutesBetween(at(from), at(to), SH)).toBe(expected);
  });

  it('returns fractional minutes for instants off the minute', () => {
    expect(businessMinutesBetween(at('2026-03-10 09:00'), at('2026-03-10 09:00:30'), SH)).toBe(0.5);
  });

  it('round-trips with addBusinessMinutes for many random starts and durations (seeded)', () => {
    const rnd = prng(20260310);
    const base = at('2026-01-01 00:00').getTime();
    const span = 365 * 24 * 60; // minutes in 2026
    for (let i = 0; i < 600; i++) {
      const secondsOff = i % 5 === 0 ? Math.floor(rnd() * 60) * 1000 : 0;
      const s = new Date(base + Math.floor(rnd() * span) * 60_000 + secondsOff);
      const m = Math.floor(rnd() * 6000);
      const end = addBusinessMinutes(s, m, SH);
      expect(businessMinutesBetween(s, end, SH), `${s.toISOString()} + ${m}`).toBe(m);
      if (m > 0) {
        // earliest such instant: one millisecond earlier is short, and that millisecond was working
        // time (so the result is inside an interval or exactly at its end, never at the next start)
        expect(businessMinutesBetween(s, new Date(end.getTime() - 1), SH)).toBeLessThan(m);
        expect(isWorkingTime(new Date(end.getTime() - 1), SH)).toBe(true);
      }
    }
  });

  it('addBusinessMinutes is additive: (s + a) + b = s + (a + b) for a, b > 0 (seeded)', () => {
    const rnd = prng(42);
    const base = at('2026-09-01 00:00').getTime();
    for (let i = 0; i < 200; i++) {
      const s = new Date(base + Math.floor(rnd() * 60 * 24 * 60) * 60_000);
      const a = 1 + Math.floor(rnd() * 1500);
      const b = 1 + Math.floor(rnd() * 1500);
      expect(addBusinessMinutes(addBusinessMinutes(s, a, SH), b, SH).getTime()).toBe(addBusinessMinutes(s, a + b, SH).getTime());
    }
  });

  it('round-trips in Europe/Berlin across both DST switches (seeded)', () => {
    const rnd = prng(7);
    for (const cal of [BERLIN, BERLIN_NIGHT]) {
      for (const window of ['2026-03-20 00:00', '2026-10-18 00:00']) {
        const base = at(window, 'Europe/Berlin').getTime();
        for (let i = 0; i < 150; i++) {
          const s = new Date(base + Math.floor(rnd() * 14 * 24 * 60) * 60_000);
          const m = Math.floor(rnd() * 3000);
          expect(businessMinutesBetween(s, addBusinessMinutes(s, m, cal), cal)).toBe(m);
        }
      }
    }
  });
});

describe('DST (Europe/Berlin)', () => {
  const B = 'Europe/Berlin';

  it('09:00-18:00 keeps wall-clock times over the March switch', () => {
    const r = addBusinessMinutes(at('2026-03-27 17:00', B), 120, BERLIN); // Friday CET
    expect(fmt(r, B)).toBe('2026-03-30 10:00'); // Monday CEST
    expect(r.toISOString()).toBe('2026-03-30T08:00:00.000Z');
    expect(businessMinutesBetween(at('2026-03-27 09:00', B), at('2026-03-30 09:00', B), BERLIN)).toBe(540);
    expect(fmt(nextWorkingInstant(at('2026-03-28 12:00', B), BERLIN), B)).toBe('2026-03-30 09:00');
    expect(nextWorkingInstant(at('2026-03-28 12:00', B), BERLIN).toISOString()).toBe('2026-03-30T07:00:00.000Z');
  });

  it('09:00-18:00 keeps wall-clock times over the October switch', () => {
    const r = addBusinessMinutes(at('2026-10-23 17:00', B), 120, BERLIN); // Friday CEST
    expect(fmt(r, B)).toBe('2026-10-26 10:00'); // Monday CET
    expect(r.toISOString()).toBe('2026-10-26T09:00:00.000Z');
  });

  it('an interval containing the spring-forward gap is one hour shorter (real time)', () => {
    // Sun 2026-03-29 00:00-06:00 local is 5 real hours.
    expect(businessMinutesBetween(at('2026-03-29 00:00', B), at('2026-03-29 12:00', B), BERLIN_NIGHT)).toBe(300);
    const ivs = workingIntervalsOn('2026-03-29', BERLIN_NIGHT);
    expect(ivs.map((i) => [i.start.toISOString(), i.end.toISOString()])).toEqual([
      ['2026-03-28T23:00:00.000Z', '2026-03-29T04:00:00.000Z'],
    ]);
    expect(fmt(addBusinessMinutes(at('2026-03-29 00:00', B), 300, BERLIN_NIGHT), B)).toBe('2026-03-29 06:00');
    expect(fmt(addBusinessMinutes(at('2026-03-29 00:00', B), 301, BERLIN_NIGHT), B)).toBe('2026-03-30 00:01');
    expect(fmt(addBusinessMinutes(at('2026-03-29 01:30', B), 60, BERLIN_NIGHT), B)).toBe('2026-03-29 03:30');
  });

  it('an interval containing the fall-back hour is one hour longer (real time)', () => {
    expect(businessMinutesBetween(at('2026-10-25 00:00', B), at('2026-10-25 12:00', B), BERLIN_NIGHT)).toBe(420);
    expect(businessMinutesBetween(at('2026-10-24 00:00', B), at('2026-10-24 12:00', B), BERLIN_NIGHT)).toBe(360);
  });

  it('a 24/7 calendar counts real minutes, also across DST and with 24:00 ends', () => {
    for (const [from, to] of [
      ['2026-03-28 12:00', '2026-03-30 12:00'],
      ['2026-10-24 12:00', '2026-10-26 12:00'],
    ]) {
      const f = at(from, B);
      const t = at(to, B);
      expect(businessMinutesBetween(f, t, BERLIN_24_7)).toBe((t.getTime() - f.getTime()) / 60_000);
      expect(addBusinessMinutes(f, 1000, BERLIN_24_7).getTime()).toBe(f.getTime() + 1000 * 60_000);
    }
    expect(isWorkingTime(at('2026-03-29 23:59', B), BERLIN_24_7)).toBe(true);
    expect(isWorkingTime(at('2026-03-30 00:00', B), BERLIN_24_7)).toBe(true);
  });

  it('isWorkingDay uses the Berlin local date', () => {
    // Sunday 2026-03-29 23:30 UTC = Monday 01:30 CEST
    expect(isWorkingDay(new Date('2026-03-29T23:30:00Z'), BERLIN)).toBe(true);
    expect(isWorkingDay(new Date('2026-03-29T21:30:00Z'), BERLIN)).toBe(false);
  });
});

describe('working-day helpers', () => {
  it('workingIntervalsOn / startOfWorkingDay / endOfWorkingDay', () => {
    expect(workingIntervalsOn('2026-03-10', SH).map((i) => [fmt(i.start), fmt(i.end)])).toEqual([
      ['2026-03-10 09:00', '2026-03-10 12:00'],
      ['2026-03-10 13:30', '2026-03-10 18:00'],
    ]);
    expect(workingIntervalsOn('2026-10-01', SH)).toEqual([]);
    expect(fmt(startOfWorkingDay('2026-10-10', SH)!)).toBe('2026-10-10 09:00');
    expect(fmt(endOfWorkingDay('2026-10-10', SH)!)).toBe('2026-10-10 18:00');
    expect(startOfWorkingDay('2026-03-07', SH)).toBeNull();
    expect(endOfWorkingDay('2026-03-07', SH)).toBeNull();
  });
});

describe('addWorkingDays', () => {
  it.each([
    ['2026-03-10 10:00', 1, '2026-03-11 18:00', 'next day end'],
    ['2026-03-10 03:00', 1, '2026-03-11 18:00', 'start date never counts, even before hours'],
    ['2026-03-06 10:00', 1, '2026-03-09 18:00', 'Friday → Monday'],
    ['2026-03-06 20:00', 1, '2026-03-09 18:00', 'Friday evening → Monday'],
    ['2026-03-07 10:00', 1, '2026-03-09 18:00', 'from a Saturday'],
    ['2026-03-10 10:00', 5, '2026-03-17 18:00', 'one week'],
    ['2026-03-10 10:00', 15, '2026-03-31 18:00', 'fifteen working days'],
    ['2026-09-30 10:00', 1, '2026-10-08 18:00', 'over the holiday'],
    ['2026-09-30 10:00', 3, '2026-10-10 18:00', 'make-up Saturday counts'],
    ['2026-09-30 10:00', 15, '2026-10-27 18:00', 'fifteen working days over National Day'],
    ['2026-09-25 10:00', 1, '2026-09-27 18:00', 'make-up Sunday counts'],
  ])('%s + %d → %s (%s)', (start, days, expected) => {
    expect(fmt(addWorkingDays(at(start), days, SH))).toBe(expected);
  });

  it('0 days is the identity; negative or fractional days throw', () => {
    expect(fmt(addWorkingDays(at('2026-03-10 10:00'), 0, SH))).toBe('2026-03-10 10:00');
    expect(() => addWorkingDays(at('2026-03-10 10:00'), -1, SH)).toThrow(RangeError);
    expect(() => addWorkingDays(at('2026-03-10 10:00'), 1.5, SH)).toThrow(RangeError);
  });
});

describe('calendars without working time', () => {
  const noDays: BusinessCalendar = { ...SH, workingDays: [], makeUpWorkdays: [] };
  const noHours: BusinessCalendar = { ...SH, workingHours: [] };
  const s = at('2026-03-10 10:00');

  it.each([
    ['no working days and no make-up days', noDays],
    ['no working hours', noHours],
  ])('%s: every function throws a clear error', (_name, cal) => {
    expect(() => addBusinessMinutes(s, 10, cal)).toThrow(/no working time/);
    expect(() => nextWorkingInstant(s, cal)).toThrow(/no working time/);
    expect(() => businessMinutesBetween(s, at('2026-03-11 10:00'), cal)).toThrow(/no working time/);
    expect(() => addWorkingDays(s, 1, cal)).toThrow(/no working time/);
    expect(() => isWorkingTime(s, cal)).toThrow(/no working time/);
  });

  it('only make-up days in the past: the search is capped and throws instead of looping', () => {
    const past: BusinessCalendar = { ...SH, workingDays: [], holidays: [], makeUpWorkdays: ['2020-01-04'] };
    expect(() => addBusinessMinutes(s, 10, past)).toThrow(new RegExp(`no working time within ${MAX_SEARCH_DAYS} days`));
    expect(() => nextWorkingInstant(s, past)).toThrow(/no working time within/);
    expect(() => addWorkingDays(s, 1, past)).toThrow(/no working time within/);
    // ... but the past is still computable
    expect(fmt(addBusinessMinutes(at('2020-01-03 10:00'), 30, past))).toBe('2020-01-04 09:30');
  });

  it('a make-up day far ahead (within the cap) is still found', () => {
    const sparse: BusinessCalendar = { ...SH, workingDays: [], holidays: [], makeUpWorkdays: ['2028-06-01'] };
    expect(fmt(nextWorkingInstant(s, sparse))).toBe('2028-06-01 09:00');
  });

  it('an invalid calendar throws with the validation problems', () => {
    expect(() => addBusinessMinutes(s, 10, { ...SH, timeZone: 'Mars/Olympus' })).toThrow(/unknown IANA time zone/);
    expect(() => isWorkingDay(s, { ...SH, workingHours: [{ start: '9:00', end: '18:00' }] })).toThrow(/Invalid business calendar/);
  });
});

describe('validateCalendar', () => {
  const ok = (patch: Partial<BusinessCalendar>) => validateCalendar({ ...SH, ...patch });

  it('accepts the fixture calendars and a 24:00 end', () => {
    expect(ok({})).toEqual([]);
    expect(ok({ workingHours: [{ start: '20:00', end: '24:00' }] })).toEqual([]);
    expect(ok({ timeZone: 'UTC' })).toEqual([]);
  });

  it.each<[string, Partial<BusinessCalendar>, RegExp]>([
    ['unknown time zone', { timeZone: 'Asia/Atlantis' }, /timeZone: unknown IANA time zone "Asia\/Atlantis"/],
    ['empty time zone', { timeZone: '' }, /timeZone: unknown IANA time zone/],
    ['H:mm instead of HH:mm', { workingHours: [{ start: '9:00', end: '18:00' }] }, /workingHours\[0\].*start "9:00" is not a valid 'HH:mm'/],
    ['hour 25', { workingHours: [{ start: '09:00', end: '25:00' }] }, /end "25:00" is not a valid 'HH:mm'/],
    ['minute 60', { workingHours: [{ start: '09:60', end: '18:00' }] }, /start "09:60" is not a valid/],
    ['24:00 as a start', { workingHours: [{ start: '24:00', end: '24:00' }] }, /start "24:00" is not a valid/],
    ['end before start', { workingHours: [{ start: '18:00', end: '09:00' }] }, /workingHours\[0\] \(18:00-09:00\): end must be after start/],
    ['end equal to start', { workingHours: [{ start: '09:00', end: '09:00' }] }, /end must be after start/],
    [
      'overlapping intervals',
      { workingHours: [{ start: '09:00', end: '12:30' }, { start: '12:00', end: '18:00' }] },
      /workingHours\[1\] \(12:00-18:00\): overlaps or is not sorted after workingHours\[0\] \(09:00-12:30\)/,
    ],
    [
      'unsorted intervals',
      { workingHours: [{ start: '13:30', end: '18:00' }, { start: '09:00', end: '12:00' }] },
      /overlaps or is not sorted/,
    ],
    ['no working hours', { workingHours: [] }, /workingHours: at least one interval is required/],
    ['weekday 0', { workingDays: [0, 1] }, /workingDays\[0\]: 0 is not an ISO weekday/],
    ['weekday 8', { workingDays: [1, 8] }, /workingDays\[1\]: 8 is not an ISO weekday/],
    ['impossible holiday date', { holidays: ['2026-02-30'] }, /holidays\[0\]: "2026-02-30" is not a valid 'YYYY-MM-DD' date/],
    ['badly formatted holiday', { holidays: ['2026/10/01'] }, /holidays\[0\]: "2026\/10\/01"/],
    ['bad make-up date', { makeUpWorkdays: ['2026-13-01'] }, /makeUpWorkdays\[0\]: "2026-13-01"/],
    ['holiday and make-up day at once', { makeUpWorkdays: ['2026-10-01'] }, /2026-10-01 is listed both as a holiday and as a make-up workday/],
    ['no working time', { workingDays: [], makeUpWorkdays: [] }, /no working time/],
  ])('%s', (_name, patch, message) => {
    const problems = ok(patch);
    expect(problems.some((p) => message.test(p)), problems.join('\n')).toBe(true);
  });

  it('adjacent intervals (end == next start) are allowed', () => {
    expect(ok({ workingHours: [{ start: '09:00', end: '12:00' }, { start: '12:00', end: '18:00' }] })).toEqual([]);
  });

  it('reports every problem, not just the first', () => {
    const problems = validateCalendar({
      timeZone: 'Nowhere/City',
      workingHours: [{ start: '9', end: '18:00' }],
      workingDays: [9],
      holidays: ['x'],
      makeUpWorkdays: [],
    });
    expect(problems.length).toBe(4);
  });
});

describe('the per-day memo', () => {
  it('follows a calendar changed after use: a holiday added later moves the deadline', () => {
    const cal: BusinessCalendar = { ...BERLIN, holidays: [] };
    const start = at('2026-12-07 09:00', 'Europe/Berlin'); // Monday
    expect(fmt(addBusinessMinutes(start, 9 * 60 * 2, cal), 'Europe/Berlin')).toBe('2026-12-08 18:00');
    cal.holidays = ['2026-12-08'];
    expect(fmt(addBusinessMinutes(start, 9 * 60 * 2, cal), 'Europe/Berlin')).toBe('2026-12-09 18:00');
  });

  it('answers the same from memory as computed fresh, over years of days (frozen calendar)', () => {
    const frozen = freezeCalendar({ ...SH, holidays: [...SH.holidays], makeUpWorkdays: [...SH.makeUpWorkdays], workingHours: SH.workingHours.map((h) => ({ ...h })), workingDays: [...SH.workingDays] });
    const start = at('2026-01-05 10:30');
    for (const minutes of [1, 480, 9_000, 200_000]) {
      const first = addBusinessMinutes(start, minutes, frozen);
      expect(addBusinessMinutes(start, minutes, frozen).getTime()).toBe(first.getTime());
      expect(addBusinessMinutes(start, minutes, { ...SH }).getTime()).toBe(first.getTime()); // a fresh, unfrozen copy: no memo shared
      expect(businessMinutesBetween(start, first, frozen)).toBe(minutes);
    }
  });
});
