/**
 * The monthly summary (每月汇总), on the 1st (jobs.monthlySummary): every department gets a card with its
 * figures for last month, the trend over the last months and its most frequent causes; the managers'
 * chat gets the same for the whole company. One transaction claims the slot and queues every card.
 */
import type { Db, Tx } from '../../store/database.ts';
import type { Language } from '../../i18n/index.ts';
import { monthLabel, monthOf, monthStartOf } from '../../domain/digest.ts';
import { renderSummaryCard } from '../../../cards/summary-card.ts';
import type { AppContext } from '../shared/context.ts';
import { claimJobSlot, finishJobSlot, type JobSlot } from '../shared/claim-job-slot.ts';
import { computeMonthlyFigures } from './compute-monthly-figures.ts';
import type { HandlerFigures, MonthlySummary } from './report-figures.ts';
import { enqueue } from '../shared/outbox.ts';
import { reportNames } from './send-weekly-digest.ts';
import { localizedName } from '../shared/localized.ts';
import { computeHandlerFigures } from './compute-handler-figures.ts';
import { handlerTable } from '../../../cards/appraisal.ts';
import { t } from '../../i18n/index.ts';

export const MONTHLY_SUMMARY_JOB = 'monthly-summary';

/** The month a scheduled report covers: the one before its slot's month. */
export function reportedMonthOf(slotAt: Date, timeZone: string): Date {
  return monthStartOf(new Date(monthStartOf(slotAt, timeZone).getTime() - 1), timeZone);
}

export async function buildMonthlySummaries(ctx: AppContext, monthStart: Date, db: Db | Tx = ctx.db): Promise<{ company: MonthlySummary; departments: (MonthlySummary & { chatId: string })[] }> {
  const tz = ctx.calendar.timeZone;
  const lang = ctx.config.defaultLanguage;
  const month = monthOf(monthStart, tz);
  const now = ctx.now();
  const figures = await computeMonthlyFigures(db, ctx.config, month, now);
  const { categoryNames } = reportNames(ctx, lang);
  const causeNames = Object.fromEntries(ctx.config.resolution.causes.map((c) => [c.id, localizedName(c.name, lang)]));
  const base = { label: monthLabel(month.start, tz), start: month.start, end: month.end, categoryNames, causeNames, timeZone: tz, language: lang, generatedAt: now, lateSince: null };
  return {
    company: { ...base, scope: ctx.config.company.name, scopeIsCompany: true, figures: figures.company },
    departments: ctx.config.departments.map((d) => ({
      ...base,
      scope: d.name,
      scopeIsCompany: false,
      chatId: d.chatId,
      figures: figures.departments.find((f) => f.id === d.id)!,
    })),
  };
}

/** Queues every department's summary (and the company's, to managersChatId); false when another instance had the slot. */
export async function sendMonthlySummary(ctx: AppContext, opts: { monthStart?: Date; slot?: JobSlot } = {}): Promise<boolean> {
  const monthStart = opts.monthStart ?? reportedMonthOf(opts.slot?.scheduledAt ?? ctx.now(), ctx.calendar.timeZone);
  const sent = await ctx.db.$transaction(
    async (tx) => {
      const now = ctx.now();
      if (opts.slot && !(await claimJobSlot(tx, opts.slot, now))) return false;
      const { company, departments } = await buildMonthlySummaries(ctx, monthStart, tx);
      const lateSince = opts.slot?.late ? opts.slot.scheduledAt : null;
      for (const s of departments) await enqueue(tx, { channel: 'feishu', kind: 'card.raw', target: s.chatId, payload: { card: renderSummaryCard({ ...s, lateSince }) } }, now);
      // The appraisal table: on the managers' copy, and privately to each supervisor for their own people.
      const handlers = await computeHandlerFigures(tx, { start: company.start, end: company.end });
      if (ctx.config.managersChatId)
        await enqueue(tx, { channel: 'feishu', kind: 'card.raw', target: ctx.config.managersChatId, payload: { card: renderSummaryCard({ ...company, lateSince, handlers }) } }, now);
      await queueSupervisorAppraisals(ctx, tx, handlers, company.label, now);
      if (opts.slot) await finishJobSlot(tx, opts.slot, ctx.now());
      return true;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  if (sent) ctx.outboxChanged();
  return sent;
}

/** Each department supervisor's own people's appraisal lines, privately (never on a department card). */
export async function queueSupervisorAppraisals(ctx: AppContext, tx: Tx, handlers: HandlerFigures[], label: string, now: Date): Promise<void> {
  const lang = ctx.config.defaultLanguage;
  for (const d of ctx.config.departments) {
    if (!d.supervisor) continue;
    const people = new Set(ctx.config.staff.filter((s) => s.department === d.id).map((s) => s.openId));
    const own = handlers.filter((h) => people.has(h.openId));
    const text = [t(lang, 'appraisal.private', { department: d.name, month: label }), ...handlerTable(lang, own, false).slice(1)].join('\n');
    await enqueue(tx, { channel: 'feishu', kind: 'user.text', target: d.supervisor, payload: { text } }, now);
  }
}
