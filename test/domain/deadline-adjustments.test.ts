import { describe, expect, it } from 'vitest';
import { EXTENSION_OPTIONS, extendResolveDue, isExtensionOption, reclassifyDeadlines, resumeAfterPause } from '../../src/domain/deadline-adjustments.ts';
import { computeDeadlines, DEFAULT_SLA_POLICY } from '../../src/domain/sla.ts';
import type { BusinessCalendar } from '../../src/domain/calendar.ts';

const cal: BusinessCalendar = {
  timeZone: 'Asia/Shanghai',
  workingHours: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '18:00' },
  ],
  workingDays: [1, 2, 3, 4, 5],
  holidays: ['2026-11-26'],
  makeUpWorkdays: [],
};
const sh = (local: string) => new Date(`${local}+08:00`);

describe('deadline adjustments', () => {
  it.each([
    ['2h', '2026-11-24T11:00:00', '2026-11-24T14:30:00', 120],
    ['4h', '2026-11-24T17:00:00', '2026-11-25T12:00:00', 240],
    ['1d', '2026-11-24T11:00:00', '2026-11-25T18:00:00', 780],
    ['2d', '2026-11-25T11:00:00', '2026-11-30T18:00:00', 1230], // skips the Thursday holiday and the weekend
  ] as const)('extends by %s from %s to %s (%i business minutes)', (option, from, to, minutes) => {
    expect(extendResolveDue(sh(from), option, cal)).toEqual({ resolveDueAt: sh(to), addedMinutes: minutes });
  });

  it('knows its options', () => {
    expect(EXTENSION_OPTIONS.every(isExtensionOption)).toBe(true);
    expect(isExtensionOption('15d')).toBe(false);
  });

  it('adds only the business time spent waiting: overnight and the weekend do not count', () => {
    const resumed = resumeAfterPause({ pausedAt: sh('2026-11-27T17:00:00'), now: sh('2026-11-30T10:00:00'), resolveDueAt: sh('2026-11-30T12:00:00'), hardLimitAt: sh('2026-12-15T18:00:00'), calendar: cal });
    expect(resumed).toEqual({ pausedMinutes: 120, resolveDueAt: sh('2026-11-30T15:30:00'), hardLimitAt: sh('2026-12-16T11:00:00') });
    expect(resumeAfterPause({ pausedAt: sh('2026-11-28T10:00:00'), now: sh('2026-11-29T10:00:00'), resolveDueAt: sh('2026-11-30T12:00:00'), hardLimitAt: sh('2026-12-15T18:00:00'), calendar: cal }).pausedMinutes).toBe(0);
  });

  it('reclassifies from the original clock start and keeps the pause and the extension', () => {
    const registeredAt = sh('2026-11-23T10:00:00');
    const original = computeDeadlines({ registeredAt, severity: 'general', policy: DEFAULT_SLA_POLICY, calendar: cal });
    const plain = reclassifyDeadlines({ severity: 'major', policy: DEFAULT_SLA_POLICY, calendar: cal, clockStartAt: original.clockStartAt, intakeDueAt: null, pausedMinutes: 0, extensionMinutes: 0 });
    expect(plain).toEqual(computeDeadlines({ registeredAt, severity: 'major', policy: DEFAULT_SLA_POLICY, calendar: cal }));
    const adjusted = reclassifyDeadlines({ severity: 'major', policy: DEFAULT_SLA_POLICY, calendar: cal, clockStartAt: original.clockStartAt, intakeDueAt: null, pausedMinutes: 60, extensionMinutes: 30 });
    expect(adjusted.resolveDueAt).toEqual(sh('2026-11-24T17:30:00')); // major 12 h → Tue 16:00, + 90 min
    expect(adjusted.hardLimitAt.getTime()).toBeGreaterThan(plain.hardLimitAt.getTime());
    const afterTransfer = reclassifyDeadlines({ severity: 'major', policy: DEFAULT_SLA_POLICY, calendar: cal, clockStartAt: original.clockStartAt, intakeDueAt: null, pausedMinutes: 0, extensionMinutes: 0, acceptClockStartAt: sh('2026-11-24T11:50:00') });
    expect(afterTransfer.acceptDueAt).toEqual(sh('2026-11-24T13:50:00'));
  });
});
