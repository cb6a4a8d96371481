/**
 * Config sections of the scheduled work (issue 5): when the jobs run, how reminders and the escalation
 * ladder behave, the follow-up clocks after resolution, and the size of the reports. Every section has
 * defaults, so a config file without them keeps working.
 */
import { z } from 'zod';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like "09:00"');
const duration = z
  .string()
  .regex(/^(\d+h)?(\d+m)?$/, 'must be a duration like "2h", "30m" or "1h30m"')
  .refine((s) => s.length > 0 && s !== '0h' && s !== '0m', 'must be a duration longer than zero');
const monthly = (day: number) =>
  z
    .object({
      /** 1–28, so that every month has the day */
      dayOfMonth: z.number().int().min(1).max(28).default(day),
      at: clockTime.default('09:00'),
    })
    .strict()
    .prefault({});

const afterPeriod = (at: string) =>
  z
    .object({
      enabled: z.boolean().default(true),
      at: clockTime.default(at),
    })
    .strict()
    .prefault({});

/** Schedules, in the calendar's time zone. Every run happens once per slot across all instances. */
export const jobsSchema = z
  .object({
    /** How often the SLA sweep looks for due reminders and deadlines; must divide 60. */
    sweepEveryMinutes: z
      .number()
      .int()
      .min(1)
      .max(60)
      .refine((n) => 60 % n === 0, 'must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60)')
      .default(1),
    weeklyDigest: z
      .object({
        /** ISO weekday, 1 = Monday … 7 = Sunday */
        weekday: z.number().int().min(1).max(7).default(1),
        at: clockTime.default('09:00'),
      })
      .strict()
      .prefault({}),
    monthlySummary: monthly(1),
    /** 未了事宜台账: each department's unfinished complaints of last month */
    unfinishedLedger: monthly(4),
    /** 每季度审查: the company's report of last quarter to the managers' chat, on the first working day after it */
    quarterlyReport: afterPeriod('09:30'),
    /** 年度总结: the company's report of last year to the managers' chat, on the first working day after it */
    yearlyReport: afterPeriod('10:00'),
    /** How often complaints whose rating request went unanswered are closed; must divide 60. */
    closeUnratedEveryMinutes: z
      .number()
      .int()
      .min(1)
      .max(60)
      .refine((n) => 60 % n === 0, 'must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60)')
      .default(15),
    /** When the daily warning about calendar dates without official holiday data goes to the managers' chat. */
    calendarWarningAt: clockTime.default('09:00'),
    /** A run made up after downtime later than this says it is late. */
    lateAfterMinutes: z.number().int().min(1).max(1440).default(15),
  })
  .strict()
  .prefault({});

/** Reminders and the escalation ladder; times are business time. */
export const escalationSchema = z
  .object({
    /** Share of a clock after which its owner is reminded. */
    remindAtPercent: z.number().int().min(1).max(99).default(75),
    /** The time each tier gets before the complaint goes one tier up (department → supervisor → general manager). */
    tierTime: z
      .object({ supervisor: duration.default('4h'), manager: duration.default('8h') })
      .strict()
      .prefault({}),
    /** A complaint still open this many months after registration becomes major. */
    upgradeToMajorAfterMonths: z.number().int().min(1).max(24).default(1),
  })
  .strict()
  .prefault({});

/**
 * Clocks after resolution (docs/domain.md, Time limits), in business time. (Contacting an unsatisfied customer
 * again is the reopened complaint's first-reply clock, set by reopening.)
 */
export const followUpSchema = z
  .object({
    /** the resolution reaches the customer */
    resultWithin: duration.default('24h'),
    /** the satisfaction survey (回访) reaches the customer */
    surveyWithin: duration.default('24h'),
  })
  .strict()
  .prefault({});

/** Sizes of the weekly digest and the monthly summary. */
export const reportsSchema = z
  .object({
    longestOpen: z.number().int().min(1).max(20).default(5),
    trendMonths: z.number().int().min(2).max(24).default(6),
    topCauses: z.number().int().min(1).max(20).default(5),
    /** rows listed per department in the unfinished ledger; the rest are counted */
    ledgerMaxItems: z.number().int().min(1).max(200).default(50),
  })
  .strict()
  .prefault({});
