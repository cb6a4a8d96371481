import { describe, expect, it } from 'vitest';
import cron from 'node-cron';
import { cronExpression, lastSlotAt, nextSlotAt, type Schedule } from '../../src/jobs/slots.ts';
import { sh } from './support.ts';

const TZ = 'Asia/Shanghai';

describe('job schedules', () => {
  it('builds node-cron expressions', () => {
    expect(cronExpression({ kind: 'every', minutes: 1 })).toBe('* * * * *');
    expect(cronExpression({ kind: 'every', minutes: 5 })).toBe('*/5 * * * *');
    expect(cronExpression({ kind: 'every', minutes: 60 })).toBe('0 * * * *');
    expect(cronExpression({ kind: 'weekly', weekday: 1, at: '09:00' })).toBe('0 9 * * 1');
    expect(cronExpression({ kind: 'weekly', weekday: 7, at: '18:30' })).toBe('30 18 * * 0');
    expect(cronExpression({ kind: 'monthly', dayOfMonth: 4, at: '09:00' })).toBe('0 9 4 * *');
    expect(cronExpression({ kind: 'daily', at: '09:05' })).toBe('5 9 * * *');
  });

  it('finds the latest slot at or before an instant, in the company time zone', () => {
    const weekly: Schedule = { kind: 'weekly', weekday: 1, at: '09:00' };
    expect(lastSlotAt(weekly, sh('2026-11-23 09:00'), TZ)).toEqual(sh('2026-11-23 09:00'));
    expect(lastSlotAt(weekly, sh('2026-11-23 08:59'), TZ)).toEqual(sh('2026-11-16 09:00'));
    expect(lastSlotAt(weekly, sh('2026-11-29 23:59'), TZ)).toEqual(sh('2026-11-23 09:00'));
    const monthly: Schedule = { kind: 'monthly', dayOfMonth: 1, at: '09:00' };
    expect(lastSlotAt(monthly, sh('2026-12-01 09:00'), TZ)).toEqual(sh('2026-12-01 09:00'));
    expect(lastSlotAt(monthly, sh('2026-12-01 08:00'), TZ)).toEqual(sh('2026-11-01 09:00'));
    expect(lastSlotAt({ kind: 'monthly', dayOfMonth: 4, at: '09:00' }, sh('2026-03-02 10:00'), TZ)).toEqual(sh('2026-02-04 09:00'));
    expect(lastSlotAt({ kind: 'every', minutes: 5 }, sh('2026-11-23 10:07'), TZ)).toEqual(sh('2026-11-23 10:05'));
    expect(nextSlotAt(weekly, sh('2026-11-23 09:00'), TZ)).toEqual(sh('2026-11-30 09:00'));
    expect(nextSlotAt(monthly, sh('2026-12-15 12:00'), TZ)).toEqual(sh('2027-01-01 09:00'));
    const daily: Schedule = { kind: 'daily', at: '09:00' };
    expect(lastSlotAt(daily, sh('2026-12-01 09:00'), TZ)).toEqual(sh('2026-12-01 09:00'));
    expect(lastSlotAt(daily, sh('2026-12-01 08:59'), TZ)).toEqual(sh('2026-11-30 09:00'));
    expect(nextSlotAt(daily, sh('2026-12-31 10:00'), TZ)).toEqual(sh('2027-01-01 09:00'));
  });

  it('node-cron fires exactly at the slots we claim', () => {
    const cases: [Schedule, string[]][] = [
      [{ kind: 'weekly', weekday: 1, at: '09:00' }, ['2026-11-23 09:00', '2026-11-30 09:00']],
      [{ kind: 'monthly', dayOfMonth: 4, at: '09:30' }, ['2026-12-04 09:30', '2027-01-04 09:30']],
      [{ kind: 'every', minutes: 15 }, ['2026-11-23 10:15', '2026-11-23 10:30']],
      [{ kind: 'daily', at: '09:00' }, ['2026-11-23 09:00', '2026-11-24 09:00']],
    ];
    for (const [schedule, slots] of cases) {
      const task = cron.createTask(cronExpression(schedule), () => {}, { timezone: TZ });
      for (const slot of slots) {
        expect(task.match(sh(slot))).toBe(true);
        expect(lastSlotAt(schedule, sh(slot), TZ)).toEqual(sh(slot));
        expect(task.match(new Date(sh(slot).getTime() + 60_000))).toBe(false);
      }
      void task.destroy();
    }
  });

  it('the first working day after each quarter or year, from the business calendar', () => {
    // weekends, and the holidays 2026-10-01..08 (National Day) and 2027-01-01..03 (New Year)
    const holidays = new Set(['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07', '2026-10-08', '2027-01-01']);
    const isWorkingDate = (date: string) => {
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      return weekday !== 0 && weekday !== 6 && !holidays.has(date);
    };
    const quarterly: Schedule = { kind: 'firstWorkingDayAfter', period: 'quarter', at: '09:30', isWorkingDate };
    const yearly: Schedule = { kind: 'firstWorkingDayAfter', period: 'year', at: '10:00', isWorkingDate };
    expect(cronExpression(quarterly)).toBe('30 9 * * *');
    // Q3 2026 ends; 10-01..08 holidays (10-03/04 a weekend) → Friday 10-09
    expect(lastSlotAt(quarterly, sh('2026-10-09 09:30'), TZ)).toEqual(sh('2026-10-09 09:30'));
    expect(lastSlotAt(quarterly, sh('2026-10-09 09:29'), TZ)).toEqual(sh('2026-07-01 09:30')); // Wednesday 07-01
    expect(lastSlotAt(quarterly, sh('2026-12-31 23:00'), TZ)).toEqual(sh('2026-10-09 09:30'));
    // 2027-01-01 a holiday, 01-02/03 the weekend → Monday 01-04, for both the quarter and the year
    expect(nextSlotAt(quarterly, sh('2026-10-09 09:30'), TZ)).toEqual(sh('2027-01-04 09:30'));
    expect(nextSlotAt(quarterly, sh('2026-12-31 23:00'), TZ)).toEqual(sh('2027-01-04 09:30'));
    expect(nextSlotAt(yearly, sh('2026-06-01 12:00'), TZ)).toEqual(sh('2027-01-04 10:00'));
    expect(lastSlotAt(yearly, sh('2027-01-04 10:00'), TZ)).toEqual(sh('2027-01-04 10:00'));
    expect(lastSlotAt(yearly, sh('2027-01-04 09:59'), TZ)).toEqual(sh('2026-01-01 10:00')); // 2026-01-01 is a Thursday, no holiday in this calendar
    // a calendar without a working day in reach falls back to the period's first day
    expect(lastSlotAt({ ...quarterly, isWorkingDate: () => false }, sh('2026-11-01 12:00'), TZ)).toEqual(sh('2026-10-01 09:30'));
  });
});
