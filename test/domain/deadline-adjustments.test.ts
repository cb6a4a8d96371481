import { describe, expect, it } from 'vitest';
import { EXTENSION_OPTIONS, extendResolveDue, isExtensionOption, reclassifyDeadlines, reclassifyReopenedResolveDue, reopenRound, resumeAfterPause } from '../../src/domain/deadline-adjustments.ts';
import { computeDeadlines, DEFAULT_SLA_POLICY, recontactDueAt } from '../../src/domain/sla.ts';
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

  it('a reopening starts a new round: recontact in 48 business hours, the full resolve time, no extension', () => {
    // Friday 2026-11-27 17:50: 10 min on Friday, Mon–Fri (11-30 … 12-04) 5 × 450, Mon 12-07 450, Tue 12-08 09:00 + 170 → 11:50;
    // resolve (1,440): Friday 10, Mon 450, Tue 450, Wed 450, Thu 09:00 + 80 → 10:20
    const round = reopenRound({ at: sh('2026-11-27T17:50:00'), severity: 'general', policy: DEFAULT_SLA_POLICY, calendar: cal });
    expect(round).toEqual({ firstReplyDueAt: sh('2026-12-08T11:50:00'), resolveDueAt: sh('2026-12-03T10:20:00'), deadlineExtended: false, extensionMinutes: 0 });
    // after hours (Saturday) the clocks start at Monday 09:00
    expect(recontactDueAt(sh('2026-11-28T20:00:00'), cal)).toEqual(sh('2026-12-08T12:00:00'));
  });

  it('a reclassified reopened round counts from the reopening and keeps what this round added', () => {
    // reopened Monday 10:00; general resolve 1,440 (Mon 390, Tue 450, Wed 450, Thu 09:00 + 150) → Thursday 11:30, + 1 business
    // hour of extension → 14:00 (lunch is not working time); now major (720: Mon 390, Tue 09:00 + 330 → 16:00) + the hour → 17:00
    const base = { reopenedAt: sh('2026-11-30T10:00:00'), policy: DEFAULT_SLA_POLICY, calendar: cal };
    expect(reclassifyReopenedResolveDue({ ...base, currentResolveDueAt: sh('2026-12-03T14:00:00'), oldSeverity: 'general', severity: 'major' })).toEqual(sh('2026-12-01T17:00:00'));
  });
});
