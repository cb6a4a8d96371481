import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import {
  clockProgress,
  computeDeadlines,
  DEFAULT_SLA_POLICY,
  extendDeadline,
  parseDuration,
  recomputeDeadlines,
  validateSlaPolicy,
  type Deadlines,
  type Severity,
  type SlaPolicy,
} from '../../src/domain/sla.ts';
import { SH } from './shanghai-calendar.ts';

// The fixture calendar of shanghai-calendar.ts (Asia/Shanghai, 450 working minutes a day, 2026 holidays as fixtures).

const at = (local: string): Date => DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone: 'Asia/Shanghai' }).toJSDate();
const fmt = (d: Date | null): string | null =>
  d === null ? null : DateTime.fromJSDate(d, { zone: 'Asia/Shanghai' }).toFormat('yyyy-MM-dd HH:mm');
const show = (d: Deadlines) => ({
  clockStartAt: fmt(d.clockStartAt),
  intakeDueAt: fmt(d.intakeDueAt),
  acceptDueAt: fmt(d.acceptDueAt),
  firstReplyDueAt: fmt(d.firstReplyDueAt),
  resolveDueAt: fmt(d.resolveDueAt),
  hardLimitAt: fmt(d.hardLimitAt),
});

describe('DEFAULT_SLA_POLICY', () => {
  it('matches the docs/domain.md table in business minutes', () => {
    expect(DEFAULT_SLA_POLICY.clocks).toEqual({
      general: { accept: 120, firstReply: 1440, resolve: 1440 },
      important: { accept: 60, firstReply: 360, resolve: 360 },
      major: { accept: 30, firstReply: 240, resolve: 720 },
    });
    expect(DEFAULT_SLA_POLICY.hardLimitWorkingDays).toBe(15);
    expect(DEFAULT_SLA_POLICY.afterHoursIntakeMinutes).toBe(60);
    expect(validateSlaPolicy(DEFAULT_SLA_POLICY)).toEqual([]);
  });

  it('is frozen so nobody edits the shared default', () => {
    expect(Object.isFrozen(DEFAULT_SLA_POLICY)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SLA_POLICY.clocks.major)).toBe(true);
  });
});

describe('computeDeadlines', () => {
  // Registered Tuesday 2026-03-10 10:00 (inside working time): 390 business minutes left that day.
  it.each<[Severity, ReturnType<typeof show>]>([
    [
      'general',
      {
        clockStartAt: '2026-03-10 10:00',
        intakeDueAt: null,
        acceptDueAt: '2026-03-10 12:00', // 120 min, ends exactly at the lunch break
        firstReplyDueAt: '2026-03-13 11:30', // 1440 = 390 + 450 + 450 + 150
        resolveDueAt: '2026-03-13 11:30',
        hardLimitAt: '2026-03-31 18:00',
      },
    ],
    [
      'important',
      {
        clockStartAt: '2026-03-10 10:00',
        intakeDueAt: null,
        acceptDueAt: '2026-03-10 11:00',
        firstReplyDueAt: '2026-03-10 17:30', // 360 = 120 + 240 after lunch
        resolveDueAt: '2026-03-10 17:30',
        hardLimitAt: '2026-03-31 18:00',
      },
    ],
    [
      'major',
      {
        clockStartAt: '2026-03-10 10:00',
        intakeDueAt: null,
        acceptDueAt: '2026-03-10 10:30',
        firstReplyDueAt: '2026-03-10 15:30', // 240 = 120 + 120
        resolveDueAt: '2026-03-11 16:00', // 720 = 390 + 180 + 150
        hardLimitAt: '2026-03-31 18:00',
      },
    ],
  ])('%s, registered in working time', (severity, expected) => {
    expect(show(computeDeadlines({ registeredAt: at('2026-03-10 10:00'), severity, policy: DEFAULT_SLA_POLICY, calendar: SH }))).toEqual(expected);
  });

  it('after-hours complaint (Friday 20:00) starts its clocks when work starts on Monday', () => {
    const d = computeDeadlines({ registeredAt: at('2026-03-06 20:00'), severity: 'major', policy: DEFAULT_SLA_POLICY, calendar: SH });
    expect(show(d)).toEqual({
      clockStartAt: '2026-03-09 09:00',
      intakeDueAt: '2026-03-09 10:00', // must reach the department within 1 h of work starting
      acceptDueAt: '2026-03-09 09:30',
      firstReplyDueAt: '2026-03-09 14:30', // 240 = 180 (09:00-12:00) + 60 after lunch
      resolveDueAt: '2026-03-10 15:00', // 720 = 450 (Monday) + 180 + 90 (Tuesday)
      hardLimitAt: '2026-03-30 18:00', // 15th working day after Monday 03-09
    });
  });

  it('a complaint received at 03:00 and one received at lunch start their clocks at the next interval', () => {
    const night = computeDeadlines({ registeredAt: at('2026-03-10 03:00'), severity: 'general', policy: DEFAULT_SLA_POLICY, calendar: SH });
    expect(fmt(night.clockStartAt)).toBe('2026-03-10 09:00');
    expect(fmt(night.intakeDueAt)).toBe('2026-03-10 10:00');
    expect(fmt(night.acceptDueAt)).toBe('2026-03-10 11:00');
    const lunch = computeDeadlines({ registeredAt: at('2026-03-10 12:30'), severity: 'important', policy: DEFAULT_SLA_POLICY, calendar: SH });
    expect(fmt(lunch.clockStartAt)).toBe('2026-03-10 13:30');
    expect(fmt(lunch.intakeDueAt)).toBe('2026-03-10 14:30');
    expect(fmt(lunch.acceptDueAt)).toBe('2026-03-10 14:30');
  });

  it('15 working days hard limit skips the National Day holiday and counts the make-up Saturday', () => {
    const d = computeDeadlines({ registeredAt: at('2026-09-30 10:00'), severity: 'general', policy: DEFAULT_SLA_POLICY, calendar: SH });
    // Day 1 = 10-08 (Thu), 2 = 10-09, 3 = 10-10 (make-up Sat), 4..8 = 10-12..16, 9..13 = 10-19..23, 14 = 10-26, 15 = 10-27
    expect(fmt(d.hardLimitAt)).toBe('2026-10-27 18:00');
    // resolve 1440 = 390 (09-30) + 450 (10-08) + 450 (10-09) + 150 (10-10 make-up Saturday)
    expect(fmt(d.resolveDueAt)).toBe('2026-10-10 11:30');
    expect(fmt(d.acceptDueAt)).toBe('2026-09-30 12:00');
  });

  it('registered during the holiday: clocks start on the first working day back', () => {
    const d = computeDeadlines({ registeredAt: at('2026-10-03 15:00'), severity: 'important', policy: DEFAULT_SLA_POLICY, calendar: SH });
    expect(fmt(d.clockStartAt)).toBe('2026-10-08 09:00');
    expect(fmt(d.intakeDueAt)).toBe('2026-10-08 10:00');
    expect(fmt(d.acceptDueAt)).toBe('2026-10-08 10:00');
    expect(fmt(d.firstReplyDueAt)).toBe('2026-10-08 16:30'); // 360 = 180 + 180
  });

  it('uses the given policy (custom minutes)', () => {
    const policy: SlaPolicy = {
      clocks: { ...DEFAULT_SLA_POLICY.clocks, general: { accept: 15, firstReply: 450, resolve: 900 } },
      hardLimitWorkingDays: 2,
      afterHoursIntakeMinutes: 30,
    };
    const d = computeDeadlines({ registeredAt: at('2026-03-06 19:00'), severity: 'general', policy, calendar: SH });
    expect(show(d)).toEqual({
      clockStartAt: '2026-03-09 09:00',
      intakeDueAt: '2026-03-09 09:30',
      acceptDueAt: '2026-03-09 09:15',
      firstReplyDueAt: '2026-03-09 18:00',
      resolveDueAt: '2026-03-10 18:00',
      hardLimitAt: '2026-03-11 18:00',
    });
  });

  it('unknown severity throws', () => {
    expect(() =>
      computeDeadlines({ registeredAt: at('2026-03-10 10:00'), severity: 'trivial' as Severity, policy: DEFAULT_SLA_POLICY, calendar: SH }),
    ).toThrow(/unknown severity/);
  });
});

describe('recomputeDeadlines (severity change)', () => {
  it('keeps clockStartAt and intakeDueAt, recomputes every due from it', () => {
    const first = computeDeadlines({ registeredAt: at('2026-03-06 20:00'), severity: 'general', policy: DEFAULT_SLA_POLICY, calendar: SH });
    const upgraded = recomputeDeadlines({ previous: first, severity: 'major', policy: DEFAULT_SLA_POLICY, calendar: SH });
    expect(upgraded.clockStartAt.getTime()).toBe(first.clockStartAt.getTime());
    expect(fmt(upgraded.intakeDueAt)).toBe('2026-03-09 10:00');
    const fresh = computeDeadlines({ registeredAt: at('2026-03-06 20:00'), severity: 'major', policy: DEFAULT_SLA_POLICY, calendar: SH });
    expect(show(upgraded)).toEqual(show(fresh));
  });

  it('an upgrade late in the day can produce dues already in the past', () => {
    const first = computeDeadlines({ registeredAt: at('2026-03-10 09:00'), severity: 'general', policy: DEFAULT_SLA_POLICY, calendar: SH });
    const upgraded = recomputeDeadlines({ previous: { clockStartAt: first.clockStartAt }, severity: 'major', policy: DEFAULT_SLA_POLICY, calendar: SH });
    expect(fmt(upgraded.acceptDueAt)).toBe('2026-03-10 09:30');
    expect(upgraded.intakeDueAt).toBeNull();
  });
});

describe('extendDeadline', () => {
  it.each([
    ['2026-03-10 18:00', 30, '2026-03-11 09:30', 'from a day end into the next day'],
    ['2026-03-10 11:30', 60, '2026-03-10 14:00', 'over lunch'],
    ['2026-03-06 17:00', 450, '2026-03-09 17:00', 'over a weekend (60 Friday + 390 Monday)'],
    ['2026-09-30 17:00', 120, '2026-10-08 10:00', 'over a holiday'],
    ['2026-03-10 18:00', 0, '2026-03-10 18:00', 'zero keeps the due'],
  ])('%s + %d → %s (%s)', (due, extra, expected) => {
    expect(fmt(extendDeadline(at(due), extra, SH))).toBe(expected);
  });

  it('negative extension throws', () => {
    expect(() => extendDeadline(at('2026-03-10 18:00'), -5, SH)).toThrow(RangeError);
  });
});

describe('clockProgress', () => {
  const p = (startAt: string, dueAt: string, now: string) => clockProgress({ startAt: at(startAt), dueAt: at(dueAt), now: at(now), calendar: SH });

  it('reaches 75% at three quarters of the business time (general accept 2 h)', () => {
    const d = computeDeadlines({ registeredAt: at('2026-03-10 09:00'), severity: 'general', policy: DEFAULT_SLA_POLICY, calendar: SH });
    expect(fmt(d.acceptDueAt)).toBe('2026-03-10 11:00');
    const prog = (now: string) => clockProgress({ startAt: d.clockStartAt, dueAt: d.acceptDueAt, now: at(now), calendar: SH });
    expect(prog('2026-03-10 10:29')).toBeLessThan(0.75);
    expect(prog('2026-03-10 10:30')).toBe(0.75);
    expect(prog('2026-03-10 11:00')).toBe(1);
  });

  it.each([
    ['2026-03-10 10:00', '2026-03-10 17:30', '2026-03-10 16:00', 0.75, '75% across lunch (360 min clock)'],
    ['2026-03-10 10:00', '2026-03-10 17:30', '2026-03-10 12:45', 120 / 360, 'frozen during lunch'],
    ['2026-03-10 17:00', '2026-03-11 10:00', '2026-03-11 09:30', 0.75, '75% on the next morning (overnight clock)'],
    ['2026-03-10 17:00', '2026-03-11 10:00', '2026-03-10 23:00', 0.5, 'night does not count'],
    ['2026-03-10 10:00', '2026-03-10 11:00', '2026-03-10 09:00', 0, 'before start'],
    ['2026-03-10 10:00', '2026-03-10 11:00', '2026-03-10 10:00', 0, 'at start'],
    ['2026-03-10 10:00', '2026-03-10 11:00', '2026-03-10 11:30', 1.5, 'overdue > 1'],
    ['2026-03-10 17:00', '2026-03-10 18:00', '2026-03-10 21:00', 1, 'due 18:00, evening: exactly 1 until work resumes'],
    ['2026-03-10 17:00', '2026-03-10 18:00', '2026-03-11 09:30', 1.5, 'overdue grows next morning'],
    ['2026-03-10 10:00', '2026-03-10 10:00', '2026-03-10 09:59', 0, 'zero-length clock before due'],
    ['2026-03-10 10:00', '2026-03-10 10:00', '2026-03-10 10:00', 1, 'zero-length clock at due'],
  ])('start %s, due %s, now %s → %d (%s)', (start, due, now, expected) => {
    expect(p(start, due, now)).toBeCloseTo(expected, 12);
  });
});

describe('parseDuration', () => {
  it.each<[string, number | null]>([
    ['2h', 120],
    ['30m', 30],
    ['1h30m', 90],
    ['1h 30m', 90],
    [' 24h ', 1440],
    ['30min', 30],
    ['2H', 120],
    ['0m', 0],
    ['90m', 90],
    ['15d', null], // days deliberately unsupported
    ['1d2h', null],
    ['', null],
    ['  ', null],
    ['90', null], // bare number: unit required
    ['1.5h', null],
    ['-2h', null],
    ['30m2h', null], // hours before minutes
    ['2 hours', null],
    ['h', null],
  ])('%j → %j', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });
});

describe('validateSlaPolicy', () => {
  it('reports bad values', () => {
    const bad = {
      clocks: { general: { accept: -1, firstReply: 1440, resolve: Number.NaN }, important: DEFAULT_SLA_POLICY.clocks.important },
      hardLimitWorkingDays: 1.5,
      afterHoursIntakeMinutes: -60,
    } as unknown as SlaPolicy;
    expect(validateSlaPolicy(bad)).toEqual([
      'clocks.general.accept: must be a number of business minutes >= 0',
      'clocks.general.resolve: must be a number of business minutes >= 0',
      'clocks.major: missing',
      'hardLimitWorkingDays: must be an integer >= 0',
      'afterHoursIntakeMinutes: must be a number of minutes >= 0',
    ]);
  });
});
