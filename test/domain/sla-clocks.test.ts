import { describe, expect, it } from 'vitest';
import { planSla, runningClocks, upgradeInstant, type ClockFacts, type ClockRules } from '../../src/domain/sla-clocks.ts';
import { businessMinutesBetween, type BusinessCalendar } from '../../src/domain/calendar.ts';
import { computeDeadlines, DEFAULT_SLA_POLICY } from '../../src/domain/sla.ts';

const cal: BusinessCalendar = {
  timeZone: 'Asia/Shanghai',
  workingHours: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '18:00' },
  ],
  workingDays: [1, 2, 3, 4, 5],
  holidays: [],
  makeUpWorkdays: [],
};
const rules: ClockRules = { remindAt: 0.75, followUp: { result: 1440, survey: 1440 }, tierMinutes: { supervisor: 240, manager: 480 }, upgradeAfterMonths: 1, timeZone: cal.timeZone };
const local = (s: string) => new Date(`${s}:00+08:00`);

function facts(over: Partial<ClockFacts> = {}): ClockFacts {
  const registeredAt = local('2026-11-23T10:00');
  const d = computeDeadlines({ registeredAt, severity: 'general', policy: DEFAULT_SLA_POLICY, calendar: cal });
  return {
    status: 'registered',
    severity: 'general',
    registeredAt,
    ...d,
    firstReplyAt: null,
    resolvedAt: null,
    pausedAt: null,
    pausedMinutes: 0,
    escalationTier: 0,
    escalatedAt: null,
    escalationDueAt: null,
    transfers: 0,
    transferredAt: null,
    reopens: 0,
    reopenedAt: null,
    resultDelivered: false,
    surveyDelivered: false,
    ...over,
  };
}

const plan = (f: ClockFacts, now: string, sent: string[] = []) => planSla({ facts: f, sent: new Set(sent), now: local(now), rules, calendar: cal });

describe('SLA clock planning', () => {
  it('nothing is due before 75 %; the next look is the earliest reminder', () => {
    const p = plan(facts(), '2026-11-23T10:00');
    expect(p.steps).toEqual([]);
    expect(p.nextDueAt).toEqual(local('2026-11-23T11:30'));
  });

  it('a reminder is due from 75 % until the due; past the due only the overdue step remains', () => {
    expect(plan(facts(), '2026-11-23T11:45').steps.map((s) => [s.kind, 'clock' in s ? s.clock.id : ''])).toEqual([['remind', 'accept']]);
    expect(plan(facts(), '2026-11-23T11:45', ['accept:0:remind']).steps).toEqual([]);
    const late = plan(facts(), '2026-11-23T12:00');
    expect(late.steps.map((s) => s.kind)).toEqual(['overdue']);
    expect(late.escalate).toBe(true);
  });

  it('clocks that run out together escalate once', () => {
    const f = facts({ status: 'accepted' });
    const p = plan(f, '2026-11-27T12:00'); // first reply and resolve (24 business hours) both past
    expect(p.steps.filter((s) => s.kind === 'overdue').map((s) => ('clock' in s ? s.clock.id : ''))).toEqual(['firstReply', 'resolve']);
    expect(p.escalate).toBe(true);
  });

  it('waiting for the customer stops the department clocks; the reminder keeps 25 % of the clock’s own length after a pause', () => {
    expect(runningClocks(facts({ status: 'waiting_customer', pausedAt: local('2026-11-23T10:30') }), rules, cal).map((c) => c.id)).toEqual([]);
    // resuming after 120 business minutes of waiting moved the resolve due that much later
    const f = facts({ status: 'in_progress', firstReplyAt: local('2026-11-23T10:10'), pausedMinutes: 120, resolveDueAt: local('2026-11-26T12:00') });
    const resolve = runningClocks(f, rules, cal).find((c) => c.id === 'resolve')!;
    const own = businessMinutesBetween(resolve.startAt, resolve.dueAt, cal) - 120;
    expect(businessMinutesBetween(resolve.remindAt!, resolve.dueAt, cal)).toBeCloseTo(0.25 * own, 5);
  });

  it('the tier clock runs only while a clock that escalates is past due', () => {
    const escalated = facts({ escalationTier: 1, escalatedAt: local('2026-11-23T12:00'), escalationDueAt: local('2026-11-23T17:30') });
    expect(plan(escalated, '2026-11-23T17:30', ['accept:0:overdue']).steps.map((s) => ('clock' in s ? s.clock.id : s.kind))).toEqual(['tier1']);
    const cured = { ...escalated, status: 'accepted' as const };
    expect(plan(cured, '2026-11-23T17:30', ['accept:0:overdue']).steps).toEqual([]);
  });

  it('a month after registration an open complaint is upgraded before anything else', () => {
    expect(upgradeInstant(local('2026-01-31T10:00'), rules)).toEqual(local('2026-02-28T10:00'));
    const p = plan(facts(), '2026-12-23T10:00');
    expect(p.steps).toEqual([{ kind: 'upgrade', upgradeAt: local('2026-12-23T10:00') }]);
    expect(plan(facts({ severity: 'major' }), '2026-12-23T10:00').steps.some((s) => s.kind === 'upgrade')).toBe(false);
    expect(plan(facts({ status: 'closed' }), '2026-12-23T10:00').nextDueAt).toBeNull();
  });

  it('important and major complaints tell the supervisor at once', () => {
    expect(plan(facts({ severity: 'important' }), '2026-11-23T10:00').steps).toEqual([{ kind: 'supervisor', dueAt: local('2026-11-23T10:00') }]);
    expect(plan(facts({ severity: 'important' }), '2026-11-23T10:00', ['severity:0:supervisor']).steps).toEqual([]);
  });

  it('after a transfer the accept clock counts from the transfer, with its own notices', () => {
    const f = facts({ transfers: 1, transferredAt: local('2026-11-23T14:00'), acceptDueAt: local('2026-11-23T16:00') });
    const accept = runningClocks(f, rules, cal).find((c) => c.id === 'accept')!;
    expect(accept.startAt).toEqual(local('2026-11-23T14:00'));
    expect(accept.cycle).toBe(1);
    expect(accept.remindAt).toEqual(local('2026-11-23T15:30'));
    expect(runningClocks(f, rules, cal).some((c) => c.id === 'intake')).toBe(false);
  });
});
