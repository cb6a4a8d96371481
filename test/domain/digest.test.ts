import { describe, expect, it } from 'vitest';
import { attainment, change, daysOf, isoWeekLabel, median, monthOf, monthsEndingWith, parseIsoWeek, percentile, rate, ratingAverage, weekOf, weekStartOf } from '../../src/domain/digest.ts';

const TZ = 'Asia/Shanghai';

describe('digest maths', () => {
  it('percentile interpolates between ranks like percentile_cont', () => {
    expect(percentile([30, 50], 0.5)).toBe(40);
    expect(percentile([30, 50], 0.9)).toBe(48);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1);
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => percentile([1], 1.5)).toThrow(RangeError);
  });

  it('attainment, rates and changes say "unknown" instead of dividing by zero', () => {
    expect(attainment(2, 1)).toBeCloseTo(2 / 3);
    expect(attainment(0, 0)).toBeNull();
    expect(rate(1, 4)).toBe(0.25);
    expect(rate(3, 0)).toBeNull();
    expect(change(12, 9)).toEqual({ delta: 3, relative: 1 / 3 });
    expect(change(2, 0)).toEqual({ delta: 2, relative: null });
    expect(change(null, 3)).toBeNull();
  });

  it('rating average from a 1..5 distribution', () => {
    expect(ratingAverage([0, 0, 0, 1, 0])).toBe(4);
    expect(ratingAverage([1, 0, 0, 0, 1])).toBe(3);
    expect(ratingAverage([0, 0, 0, 0, 0])).toBeNull();
  });

  it('weeks are ISO weeks in the company time zone', () => {
    // Sunday 2026-11-22 23:30 Shanghai is still week 47 although it is Sunday 15:30 UTC
    const sunday = new Date('2026-11-22T15:30:00Z');
    expect(weekStartOf(sunday, TZ)).toEqual(new Date('2026-11-15T16:00:00Z'));
    expect(isoWeekLabel(weekStartOf(sunday, TZ), TZ)).toBe('2026-W47');
    expect(weekOf(new Date('2026-11-25T00:00:00Z'), TZ)).toEqual({ start: new Date('2026-11-22T16:00:00Z'), end: new Date('2026-11-29T16:00:00Z') });
    expect(parseIsoWeek('2026-W48', TZ)).toEqual(new Date('2026-11-22T16:00:00Z'));
    expect(parseIsoWeek('2026w1', TZ)).toEqual(new Date('2025-12-28T16:00:00Z')); // ISO week 1 of 2026 starts Monday 2025-12-29
    expect(parseIsoWeek('2026-W53', TZ)).not.toBeNull(); // 2026 has 53 ISO weeks
    expect(parseIsoWeek('2025-W53', TZ)).toBeNull(); // 2025 does not
    expect(parseIsoWeek('2026-W00', TZ)).toBeNull();
    expect(parseIsoWeek('last week', TZ)).toBeNull();
    expect(daysOf(weekOf(new Date('2026-11-25T00:00:00Z'), TZ), TZ)).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29']);
  });

  it('months and the trend window', () => {
    expect(monthOf(new Date('2026-11-30T17:00:00Z'), TZ)).toEqual({ start: new Date('2026-11-30T16:00:00Z'), end: new Date('2026-12-31T16:00:00Z') });
    expect(monthsEndingWith(new Date('2026-02-10T00:00:00Z'), 6, TZ)).toEqual(['2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02']);
  });
});
