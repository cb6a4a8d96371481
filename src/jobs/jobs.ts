/**
 * The bot's scheduled jobs, from the config (`jobs:`): the SLA sweep, the weekly digest, the monthly
 * summary, the unfinished ledger, closing complaints whose rating request went unanswered, the daily
 * warning about calendar dates without official holiday data, and the daily retention job (personal data
 * of complaints closed longer ago than `records.retainPersonalDataDays` is de-identified). Each
 * summary, the unfinished ledger, the quarterly and yearly reports (first working day after the period), closing complaints whose rating request went unanswered, and the daily
 * warning about calendar dates without official holiday data. Each
 * only calls a use case with its slot.
 */
import type { AppContext } from '../app/shared/context.ts';
import { claimJobSlot, finishJobSlot, pruneJobSlots } from '../app/shared/claim-job-slot.ts';
import { nextSweepDueAt, sweepSlaClocks } from '../app/sla/sweep-sla-clocks.ts';
import { sendWeeklyDigest, WEEKLY_DIGEST_JOB } from '../app/reports/send-weekly-digest.ts';
import { MONTHLY_SUMMARY_JOB, sendMonthlySummary } from '../app/reports/send-monthly-summary.ts';
import { sendUnfinishedLedger, UNFINISHED_LEDGER_JOB } from '../app/reports/send-unfinished-ledger.ts';
import { closeUnratedComplaints, nextUnratedCloseAt } from '../app/complaints/close-unrated-complaints.ts';
import { CALENDAR_WARNING_JOB, warnAboutCalendarGaps } from '../app/sla/warn-about-calendar-gaps.ts';
import { applyRetention, RETENTION_JOB } from '../app/records/apply-retention.ts';
import { QUARTERLY_REPORT_JOB, sendPeriodReport, YEARLY_REPORT_JOB } from '../app/reports/send-period-report.ts';
import { isWorkingDate } from '../domain/calendar.ts';
import { ARCHIVE_JOB, archiveClosedComplaints } from '../app/records/archive-closed-complaints.ts';
import type { JobDefinition } from './scheduler.ts';

export const SLA_SWEEP_JOB = 'sla-sweep';
export const CLOSE_UNRATED_JOB = 'close-unrated';

/** Sweep slot rows are kept this long (one row a minute would otherwise pile up). */
const KEEP_SWEEP_SLOTS_MS = 2 * 24 * 3600_000;

export function botJobs(ctx: AppContext): JobDefinition[] {
  const j = ctx.config.jobs;
  return [
    {
      name: SLA_SWEEP_JOB,
      schedule: { kind: 'every', minutes: j.sweepEveryMinutes },
      catchUp: false,
      idleUntil: () => nextSweepDueAt(ctx),
      async run(slot) {
        // The sweep is idempotent (notices are unique, rows are locked): claiming only saves the other
        // instances the work, and an instance that just started sweeps anyway.
        if (!(await claimJobSlot(ctx.db, slot, ctx.now())) && slot.reason === 'schedule') return null;
        const counts = await sweepSlaClocks(ctx);
        ctx.metrics?.sla({ breaches: counts.alerts + counts.escalations, escalations: counts.escalations });
        await finishJobSlot(ctx.db, slot, ctx.now());
        if (slot.scheduledAt.getUTCMinutes() === 0) await pruneJobSlots(ctx.db, SLA_SWEEP_JOB, new Date(slot.scheduledAt.getTime() - KEEP_SWEEP_SLOTS_MS));
        if (counts.complaints) ctx.log.info({ slot: slot.id, ...counts }, 'SLA sweep');
        return counts;
      },
    },
    {
      name: WEEKLY_DIGEST_JOB,
      schedule: { kind: 'weekly', weekday: j.weeklyDigest.weekday, at: j.weeklyDigest.at },
      catchUp: true,
      run: (slot) => sendWeeklyDigest(ctx, { slot }),
    },
    {
      name: MONTHLY_SUMMARY_JOB,
      schedule: { kind: 'monthly', dayOfMonth: j.monthlySummary.dayOfMonth, at: j.monthlySummary.at },
      catchUp: true,
      run: (slot) => sendMonthlySummary(ctx, { slot }),
    },
    {
      name: UNFINISHED_LEDGER_JOB,
      schedule: { kind: 'monthly', dayOfMonth: j.unfinishedLedger.dayOfMonth, at: j.unfinishedLedger.at },
      catchUp: true,
      run: (slot) => sendUnfinishedLedger(ctx, { slot }),
    },
    {
      name: CLOSE_UNRATED_JOB,
      schedule: { kind: 'every', minutes: j.closeUnratedEveryMinutes },
      catchUp: false,
      idleUntil: () => nextUnratedCloseAt(ctx),
      async run(slot) {
        if (!(await claimJobSlot(ctx.db, slot, ctx.now())) && slot.reason === 'schedule') return null;
        const result = await closeUnratedComplaints(ctx, ctx.now());
        await finishJobSlot(ctx.db, slot, ctx.now());
        if (slot.scheduledAt.getUTCMinutes() === 0) await pruneJobSlots(ctx.db, CLOSE_UNRATED_JOB, new Date(slot.scheduledAt.getTime() - KEEP_SWEEP_SLOTS_MS));
        return result;
      },
    },
    {
      name: CALENDAR_WARNING_JOB,
      schedule: { kind: 'daily', at: j.calendarWarningAt },
      // Runs at every start too (the log line); the slot claim keeps the chat message to once a day.
      catchUp: false,
      run: (slot) => warnAboutCalendarGaps(ctx, { slot }),
    },
    {
      name: RETENTION_JOB,
      schedule: { kind: 'daily', at: ctx.config.records.retentionJobAt },
      // Idempotent: a day missed while the bot was down is made up at start.
      catchUp: true,
      run: (slot) => applyRetention(ctx, { slot }),
    },
    {
      name: ARCHIVE_JOB,
      schedule: { kind: 'daily', at: ctx.config.records.archiveJobAt },
      // Idempotent: a day missed while the bot was down is made up at start.
      catchUp: true,
      run: (slot) => archiveClosedComplaints(ctx, { slot }),
    },
    ...(['quarter', 'year'] as const)
      .filter((period) => j[period === 'quarter' ? 'quarterlyReport' : 'yearlyReport'].enabled)
      .map(
        (period): JobDefinition => ({
          name: period === 'quarter' ? QUARTERLY_REPORT_JOB : YEARLY_REPORT_JOB,
          schedule: {
            kind: 'firstWorkingDayAfter',
            period,
            at: j[period === 'quarter' ? 'quarterlyReport' : 'yearlyReport'].at,
            isWorkingDate: (date) => isWorkingDate(date, ctx.calendar),
          },
          catchUp: true,
          run: (slot) => sendPeriodReport(ctx, { kind: period, slot }),
        }),
      ),
  ];
}
