/**
 * The config's calendars: China's holidays and make-up working days (调休) from the chinese-days package,
 * the config's own days winning over it, the years covered, and named calendars completed from the company's.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { calendarsFromConfig, chinaOfficialDays } from '../../src/config/calendars.ts';
import { computeDeadlines, DEFAULT_SLA_POLICY } from '../../src/domain/sla.ts';
import { datesWithoutOfficialData, isWorkingDate } from '../../src/domain/calendar.ts';
import { exampleConfig } from '../support/context.ts';
import { sh } from '../jobs/support.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function withCalendar(change: (raw: any) => void) {
  const raw = structuredClone(exampleConfig()) as any;
  change(raw);
  return parseConfig(raw, 'test.yaml');
}

describe('calendars from the config and the chinese-days package', () => {
  it('the example config types no holiday, yet the 2026 National Day break and its make-up days come from the package', () => {
    const config = exampleConfig();
    expect(config.calendar.holidays).toEqual([]);
    const cal = calendarsFromConfig(config).company;
    for (const day of ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07']) expect(isWorkingDate(day, cal), day).toBe(false);
    expect(isWorkingDate('2026-09-20', cal)).toBe(true); // Sunday, 调休
    expect(isWorkingDate('2026-10-10', cal)).toBe(true); // Saturday, 调休
    expect(isWorkingDate('2026-10-08', cal)).toBe(true);
    // Spring Festival runs to Monday 23 February, and Sunday 4 January is worked (both were missing from the hand-typed 2026 list).
    expect(isWorkingDate('2026-02-23', cal)).toBe(false);
    expect(isWorkingDate('2026-01-04', cal)).toBe(true);
    // A general complaint on Wednesday 30 September 17:00 with 24 h to resolve: 1 h that day, 1–7 October off,
    // Thursday 8 and Friday 9 (7.5 h each), the make-up Saturday 10 October (7.5 h), the last 30 min on Monday 12.
    const d = computeDeadlines({ registeredAt: sh('2026-09-30 17:00'), severity: 'general', policy: DEFAULT_SLA_POLICY, calendar: cal });
    expect(d.acceptDueAt).toEqual(sh('2026-10-08 10:00'));
    expect(d.resolveDueAt).toEqual(sh('2026-10-12 09:30'));
  });

  it('knows which years it has: 2004 to the last notice in the package, no later', () => {
    const { years } = chinaOfficialDays();
    expect(years[0]).toBe(2004);
    expect(years).toContain(2026);
    const cal = calendarsFromConfig(exampleConfig()).company;
    expect(cal.officialYears).toEqual(years);
    const last = years.at(-1)!;
    expect(datesWithoutOfficialData(sh(`${last}-12-20 10:00`), 30, cal)[0]).toBe(`${last + 1}-01-01`);
    expect(datesWithoutOfficialData(sh(`${last}-11-20 10:00`), 30, cal)).toEqual([]);
  });

  it("the config's own days win over the package, and coveredYears counts a year typed in by hand", () => {
    const config = withCalendar((c) => {
      c.calendar.holidays = ['2026-10-10', '2027-01-01'];
      c.calendar.makeUpWorkdays = ['2026-10-07'];
      c.calendar.coveredYears = [2027];
    });
    const cal = calendarsFromConfig(config).company;
    expect(isWorkingDate('2026-10-10', cal)).toBe(false); // the package's make-up Saturday, off here
    expect(isWorkingDate('2026-10-07', cal)).toBe(true); // the package's holiday, worked here
    expect(isWorkingDate('2027-01-01', cal)).toBe(false);
    expect(cal.officialYears).toContain(2027);
    expect(datesWithoutOfficialData(sh('2027-12-01 10:00'), 30, cal)).toEqual([]);
  });

  it('publicHolidays: none follows only the weekdays and never lacks data', () => {
    const cal = calendarsFromConfig(withCalendar((c) => (c.calendar.publicHolidays = 'none'))).company;
    expect(isWorkingDate('2026-10-01', cal)).toBe(true);
    expect(cal.officialYears).toBeUndefined();
    expect(datesWithoutOfficialData(sh('2040-12-01 10:00'), 30, cal)).toEqual([]);
  });

  it('a named calendar takes every field it leaves out from the company calendar; departments use it by name', () => {
    const config = withCalendar((c) => {
      c.calendars = { saturdays: { workingDays: [1, 2, 3, 4, 5, 6] }, always: { workingHours: [{ start: '00:00', end: '24:00' }], workingDays: [1, 2, 3, 4, 5, 6, 7], publicHolidays: 'none' } };
      c.departments[0].calendar = 'saturdays';
      c.departments[1].calendar = 'always';
    });
    const { company, named, forDepartment } = calendarsFromConfig(config);
    expect(named.saturdays!.workingHours).toEqual(company.workingHours);
    expect(named.saturdays!.holidays).toEqual(company.holidays);
    expect(forDepartment('cs')).toBe(named.saturdays);
    expect(forDepartment('qa')).toBe(named.always);
    expect(forDepartment('tech')).toBe(company);
    expect(isWorkingDate('2026-11-28', named.saturdays!)).toBe(true);
    expect(isWorkingDate('2026-10-03', named.saturdays!)).toBe(false); // a holiday still
  });

  it('refuses an unknown calendar name and a bad named calendar with the key that is wrong', () => {
    expect(() => withCalendar((c) => (c.departments[0].calendar = 'nights'))).toThrow(/departments\[0\]\.calendar: unknown calendar "nights"/);
    expect(() =>
      withCalendar((c) => {
        c.calendars = { late: { workingHours: [{ start: '18:00', end: '09:00' }] } };
      }),
    ).toThrow(/calendars\.late: workingHours\[0\]/);
  });
});
