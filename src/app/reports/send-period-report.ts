/**
 * The company's report over a quarter or a year (每季度审查, 年度总结) — or a month — for the managers'
 * chat: the monthly summary's figures over the period (computePeriodFigures), the trend by month, the
 * causes and the measures taken, the hard-limit breaches and the appeals (computePeriodExtras), and the
 * appraisal table (only here and, privately, to each supervisor for their own people, as monthly).
 * Scheduled on the first working day after the quarter / year (jobs.quarterlyReport, jobs.yearlyReport;
 * the slot is claimed in the transaction that queues the card), and on demand with `/report <period>`.
 */
import { DateTime } from 'luxon';
import type { Db, Tx } from '../../store/database.ts';
import { monthBoundaries, monthsEndingWith } from '../../domain/digest.ts';
import { quarterOf, yearOf, type ReportPeriod } from '../../domain/report-period.ts';
import { renderPeriodReportCard } from '../../../cards/period-report-card.ts';
import type { AppContext } from '../shared/context.ts';
import { claimJobSlot, finishJobSlot, type JobSlot } from '../shared/claim-job-slot.ts';
import { enqueue } from '../shared/outbox.ts';
import { localizedName } from '../shared/localized.ts';
import { computePeriodFigures } from './compute-monthly-figures.ts';
import { computePeriodExtras } from './compute-period-extras.ts';
import { computeHandlerFigures } from './compute-handler-figures.ts';
import type { PeriodReport } from './report-figures.ts';
import { reportNames } from './send-weekly-digest.ts';
import { queueSupervisorAppraisals } from './send-monthly-summary.ts';

export const QUARTERLY_REPORT_JOB = 'quarterly-report';
export const YEARLY_REPORT_JOB = 'yearly-report';

/** The quarter or year a scheduled report covers: the one before its slot (the slot is early in the next one). */
export function reportedPeriodOf(kind: 'quarter' | 'year', slotAt: Date, timeZone: string): ReportPeriod {
  const of = kind === 'quarter' ? quarterOf : yearOf;
  return of(new Date(of(slotAt, timeZone).start.getTime() - 1), timeZone);
}

/** The trend's month boundaries: a month shows the months up to it (reports.trendMonths), a quarter or a year its own months. */
function trendOf(ctx: AppContext, period: ReportPeriod): { bounds: Date[]; labels: string[] } {
  const tz = ctx.calendar.timeZone;
  const months =
    period.kind === 'month'
      ? ctx.config.reports.trendMonths
      : Math.round(DateTime.fromJSDate(period.end).setZone(tz).diff(DateTime.fromJSDate(period.start).setZone(tz), 'months').months);
  const last = DateTime.fromJSDate(period.end).setZone(tz).minus({ months: 1 }).toJSDate();
  return { bounds: monthBoundaries(last, months, tz), labels: monthsEndingWith(last, months, tz) };
}

export async function buildPeriodReport(ctx: AppContext, period: ReportPeriod, db: Db | Tx = ctx.db): Promise<PeriodReport> {
  if (period.kind === 'days') throw new Error('a report covers a month, a quarter or a year');
  const tz = ctx.calendar.timeZone;
  const lang = ctx.config.defaultLanguage;
  const now = ctx.now();
  const figures = await computePeriodFigures(db, ctx.config, { period, ...trendOf(ctx, period) }, now);
  const extras = await computePeriodExtras(db, period, now, { topMeasures: ctx.config.reports.topCauses });
  const { categoryNames, departmentNames } = reportNames(ctx, lang);
  const causeNames = Object.fromEntries(ctx.config.resolution.causes.map((c) => [c.id, localizedName(c.name, lang)]));
  const soFar = period.end.getTime() > now.getTime() ? now : null;
  const handlers = await computeHandlerFigures(db, { start: period.start, end: soFar ?? period.end });
  return {
    kind: period.kind,
    label: period.label,
    start: period.start,
    end: period.end,
    soFar,
    scope: ctx.config.company.name,
    figures: figures.company,
    ...extras,
    handlers,
    categoryNames,
    causeNames,
    departmentNames,
    timeZone: tz,
    language: lang,
    generatedAt: now,
    lateSince: null,
  };
}

/**
 * Queues the report to `chatId` (default the managers' chat) and the supervisors' private appraisal
 * lines; false when another instance had the slot, or there is no managers' chat to send it to.
 */
export async function sendPeriodReport(ctx: AppContext, opts: { kind: 'quarter' | 'year'; slot: JobSlot } | { period: ReportPeriod; chatId?: string }): Promise<boolean> {
  const period = 'slot' in opts ? reportedPeriodOf(opts.kind, opts.slot.scheduledAt, ctx.calendar.timeZone) : opts.period;
  const chatId = ('chatId' in opts ? opts.chatId : undefined) ?? ctx.config.managersChatId;
  const slot = 'slot' in opts ? opts.slot : null;
  if (!chatId) {
    ctx.log.warn({ period: period.label }, 'period report not sent: no managersChatId configured');
    return false;
  }
  const sent = await ctx.db.$transaction(
    async (tx) => {
      const now = ctx.now();
      if (slot && !(await claimJobSlot(tx, slot, now))) return false;
      const report = await buildPeriodReport(ctx, period, tx);
      const card = renderPeriodReportCard({ ...report, lateSince: slot?.late ? slot.scheduledAt : null });
      await enqueue(tx, { channel: 'feishu', kind: 'card.raw', target: chatId, payload: { card } }, now);
      // Scheduled: the supervisors get their own people's lines, as with the monthly summary.
      if (slot) await queueSupervisorAppraisals(ctx, tx, report.handlers ?? [], report.label, now);
      if (slot) await finishJobSlot(tx, slot, ctx.now());
      return true;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  if (sent) ctx.outboxChanged();
  return sent;
}
