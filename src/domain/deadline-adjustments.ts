/**
 * What staff actions do to a complaint's deadlines, as pure functions on top of sla.ts:
 * the clocks stop while the complaint waits for the customer, the resolve deadline may be extended
 * once per handling round, a reopening starts a new round, and a new category or severity recomputes
 * everything without losing either adjustment.
 */
import { addBusinessMinutes, addWorkingDays, businessMinutesBetween, nextWorkingInstant, type BusinessCalendar } from './calendar.ts';
import { extendDeadline, recontactDueAt, recomputeDeadlines, type Deadlines, type Severity, type SlaPolicy } from './sla.ts';

/** The choices offered for the one allowed extension: business hours, or working days (to the end of the Nth working day). */
export const EXTENSION_OPTIONS = ['2h', '4h', '1d', '2d', '3d', '5d'] as const;
export type ExtensionOption = (typeof EXTENSION_OPTIONS)[number];

export function isExtensionOption(value: string): value is ExtensionOption {
  return (EXTENSION_OPTIONS as readonly string[]).includes(value);
}

/**
 * The resolve deadline after an extension: '2h' adds two business hours; '1d' moves it to the end of the
 * next working day after the current due, like a person saying "by tomorrow evening".
 * Also returns the business minutes added, so a later recomputation can re-apply them.
 */
export function extendResolveDue(due: Date, option: ExtensionOption, calendar: BusinessCalendar): { resolveDueAt: Date; addedMinutes: number } {
  const amount = Number(option.slice(0, -1));
  const resolveDueAt = option.endsWith('h') ? extendDeadline(due, amount * 60, calendar) : addWorkingDays(due, amount, calendar);
  return { resolveDueAt, addedMinutes: Math.round(businessMinutesBetween(due, resolveDueAt, calendar)) };
}

/**
 * The customer answered: the business time spent waiting (pausedAt → now) is added to the resolve
 * deadline and the hard limit, so waiting for the customer never counts against the department.
 */
export function resumeAfterPause(args: {
  pausedAt: Date;
  now: Date;
  resolveDueAt: Date;
  hardLimitAt: Date;
  calendar: BusinessCalendar;
}): { pausedMinutes: number; resolveDueAt: Date; hardLimitAt: Date } {
  const pausedMinutes = Math.round(businessMinutesBetween(args.pausedAt, args.now, args.calendar));
  return {
    pausedMinutes,
    resolveDueAt: extendDeadline(args.resolveDueAt, pausedMinutes, args.calendar),
    hardLimitAt: extendDeadline(args.hardLimitAt, pausedMinutes, args.calendar),
  };
}

/**
 * Deadlines after a category or severity change: recomputed from the original clock start with the new
 * severity (recomputeDeadlines), then the time already spent waiting for the customer and the extension
 * granted earlier are added back. While the complaint still waits for acceptance after a transfer, the
 * accept clock counts from `acceptClockStartAt` (the transfer) instead.
 */
export function reclassifyDeadlines(args: {
  severity: Severity;
  policy: SlaPolicy;
  calendar: BusinessCalendar;
  clockStartAt: Date;
  intakeDueAt: Date | null;
  pausedMinutes: number;
  extensionMinutes: number;
  acceptClockStartAt?: Date;
}): Deadlines {
  const { calendar } = args;
  const base = recomputeDeadlines({ severity: args.severity, policy: args.policy, calendar, previous: { clockStartAt: args.clockStartAt, intakeDueAt: args.intakeDueAt } });
  const acceptDueAt = args.acceptClockStartAt
    ? recomputeDeadlines({ severity: args.severity, policy: args.policy, calendar, previous: { clockStartAt: args.acceptClockStartAt } }).acceptDueAt
    : base.acceptDueAt;
  return {
    ...base,
    acceptDueAt,
    resolveDueAt: extendDeadline(base.resolveDueAt, args.pausedMinutes + args.extensionMinutes, calendar),
    hardLimitAt: extendDeadline(base.hardLimitAt, args.pausedMinutes, calendar),
  };
}

/**
 * A reopened complaint (low rating, or staff reopen) gets a fresh handling round (docs/domain.md, Reopening):
 * the unsatisfied customer must be contacted again within the recontact clock, the resolve clock starts
 * again from the reopening with the severity's full time, and an extension belongs to the round it was
 * granted in: the new round has none, and may be extended once again. The old extension stays in the
 * audit trail (its extend_deadline event), not in the deadlines.
 */
export function reopenRound(args: { at: Date; severity: Severity; policy: SlaPolicy; calendar: BusinessCalendar }): {
  firstReplyDueAt: Date;
  resolveDueAt: Date;
  deadlineExtended: false;
  extensionMinutes: 0;
} {
  const start = nextWorkingInstant(args.at, args.calendar);
  return {
    firstReplyDueAt: recontactDueAt(args.at, args.calendar),
    resolveDueAt: addBusinessMinutes(start, args.policy.clocks[args.severity].resolve, args.calendar),
    deadlineExtended: false,
    extensionMinutes: 0,
  };
}

/**
 * The resolve deadline of a reopened round after a category or severity change: the round's own start
 * (the reopening) with the new severity's time, plus what this round already added (waiting for the
 * customer, its extension) — measured as the business time between the old severity's plain due and
 * the current due. The recontact deadline does not depend on the severity and stays.
 */
export function reclassifyReopenedResolveDue(args: {
  reopenedAt: Date;
  currentResolveDueAt: Date;
  oldSeverity: Severity;
  severity: Severity;
  policy: SlaPolicy;
  calendar: BusinessCalendar;
}): Date {
  const cal = args.calendar;
  const start = nextWorkingInstant(args.reopenedAt, cal);
  const oldPlain = addBusinessMinutes(start, args.policy.clocks[args.oldSeverity].resolve, cal);
  const added = Math.max(0, Math.round(businessMinutesBetween(oldPlain, args.currentResolveDueAt, cal)));
  return addBusinessMinutes(addBusinessMinutes(start, args.policy.clocks[args.severity].resolve, cal), added, cal);
}

/**
 * Every deadline of a complaint as it stands after its severity changes (a staff reclassification, or the
 * month-old upgrade): reclassifyDeadlines from the original start, the accept clock from the last transfer
 * while it still waits for acceptance, and — after a reopening — the reopened round's resolve deadline
 * (reclassifyReopenedResolveDue) with the recontact deadline kept.
 */
export function deadlinesAfterSeverityChange(args: {
  severity: Severity;
  policy: SlaPolicy;
  calendar: BusinessCalendar;
  complaint: { status: string; severity: string; clockStartAt: Date; intakeDueAt: Date | null; pausedMinutes: number; extensionMinutes: number; firstReplyDueAt: Date; resolveDueAt: Date };
  transferredAt: Date | null;
  reopenedAt: Date | null;
}): Deadlines {
  const { complaint: c, calendar, policy, severity } = args;
  const deadlines = reclassifyDeadlines({
    severity,
    policy,
    calendar,
    clockStartAt: c.clockStartAt,
    intakeDueAt: c.intakeDueAt,
    pausedMinutes: c.pausedMinutes,
    extensionMinutes: c.extensionMinutes,
    acceptClockStartAt: args.transferredAt && c.status === 'registered' ? nextWorkingInstant(args.transferredAt, calendar) : undefined,
  });
  if (!args.reopenedAt) return deadlines;
  return {
    ...deadlines,
    firstReplyDueAt: c.firstReplyDueAt,
    resolveDueAt: reclassifyReopenedResolveDue({ reopenedAt: args.reopenedAt, currentResolveDueAt: c.resolveDueAt, oldSeverity: c.severity as Severity, severity, policy, calendar }),
  };
}
