/**
 * What staff actions do to a complaint's deadlines, as pure functions on top of sla.ts:
 * the clocks stop while the complaint waits for the customer, the resolve deadline may be extended
 * once, and a new category or severity recomputes everything without losing either adjustment.
 */
import { addWorkingDays, businessMinutesBetween, type BusinessCalendar } from './calendar.ts';
import { extendDeadline, recomputeDeadlines, type Deadlines, type Severity, type SlaPolicy } from './sla.ts';

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
