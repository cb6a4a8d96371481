/**
 * The weekly digest (办公室每周通报): the last complete week's figures against the week before, as a
 * Feishu card with a chart, posted into the managers' chat every week (jobs.weeklyDigest) and on demand.
 *
 * On demand (`/digest` or `/digest 2026-W47` in a staff group): parse with `parseDigestCommand`, then
 * `sendWeeklyDigest(ctx, { weekStart, chatId })` posts it into the chat that asked.
 */
import type { Db, Tx } from '../../store/database.ts';
import type { Language } from '../../i18n/index.ts';
import { isoWeekLabel, parseIsoWeek, weekOf, weekStartOf } from '../../domain/digest.ts';
import { renderDigestCard } from '../../../cards/digest-card.ts';
import type { AppContext } from '../shared/context.ts';
import { claimJobSlot, finishJobSlot, type JobSlot } from '../shared/claim-job-slot.ts';
import { computeWeeklyFigures } from './compute-weekly-figures.ts';
import type { WeeklyDigest } from './report-figures.ts';
import { enqueue } from '../shared/outbox.ts';

export const WEEKLY_DIGEST_JOB = 'weekly-digest';

/** Names of categories and departments in a language, for report cards. */
export function reportNames(ctx: AppContext, lang: Language) {
  return {
    categoryNames: Object.fromEntries(ctx.config.categories.map((c) => [c.id, typeof c.name === 'string' ? c.name : c.name[lang]])),
    departmentNames: Object.fromEntries(ctx.config.departments.map((d) => [d.id, d.name])),
  };
}

/** The digest of the week starting at `weekStart` (any instant of the week will do), read from the database. */
export async function buildWeeklyDigest(ctx: AppContext, weekStart: Date): Promise<WeeklyDigest> {
  return digestFrom(ctx, ctx.db, weekStart);
}

async function digestFrom(ctx: AppContext, db: Db | Tx, weekStart: Date): Promise<WeeklyDigest> {
  const tz = ctx.calendar.timeZone;
  const lang = ctx.config.defaultLanguage;
  const week = weekOf(weekStart, tz);
  const now = ctx.now();
  const figures = await computeWeeklyFigures(db, ctx.config, week, now);
  return {
    label: isoWeekLabel(week.start, tz),
    start: week.start,
    end: week.end,
    figures,
    ...reportNames(ctx, lang),
    companyName: ctx.config.company.name,
    timeZone: tz,
    language: lang,
    generatedAt: now,
    lateSince: null,
  };
}

/** The week a scheduled digest reports: the last complete week before its slot. */
export function reportedWeekOf(slotAt: Date, timeZone: string): Date {
  return weekOf(new Date(weekStartOf(slotAt, timeZone).getTime() - 1), timeZone).start;
}

export type DigestCommand = { ok: true; weekStart: Date } | { ok: false; reason: 'badWeek' | 'future' };

/** `/digest` → last complete week; `/digest 2026-W47` → that week (not one that has not started). */
export function parseDigestCommand(args: string, now: Date, timeZone: string): DigestCommand {
  const text = args.trim();
  if (!text) return { ok: true, weekStart: reportedWeekOf(now, timeZone) };
  const weekStart = parseIsoWeek(text, timeZone);
  if (!weekStart) return { ok: false, reason: 'badWeek' };
  if (weekStart.getTime() > now.getTime()) return { ok: false, reason: 'future' };
  return { ok: true, weekStart };
}

/**
 * Queues the digest card. With a `slot` (the scheduled run) the slot is claimed in the same transaction,
 * so exactly one instance posts it; returns false when another already did.
 */
export async function sendWeeklyDigest(ctx: AppContext, opts: { weekStart?: Date; chatId?: string; slot?: JobSlot } = {}): Promise<boolean> {
  const tz = ctx.calendar.timeZone;
  const chatId = opts.chatId ?? ctx.config.managersChatId;
  if (!chatId) {
    ctx.log.warn('weekly digest skipped: no managersChatId in the config');
    return false;
  }
  const weekStart = opts.weekStart ?? reportedWeekOf(opts.slot?.scheduledAt ?? ctx.now(), tz);
  const sent = await ctx.db.$transaction(
    async (tx) => {
      const now = ctx.now();
      if (opts.slot && !(await claimJobSlot(tx, opts.slot, now))) return false;
      const digest = await digestFrom(ctx, tx, weekStart);
      digest.lateSince = opts.slot?.late ? opts.slot.scheduledAt : null;
      await enqueue(tx, { channel: 'feishu', kind: 'card.raw', target: chatId, payload: { card: renderDigestCard(digest) } }, now);
      if (opts.slot) await finishJobSlot(tx, opts.slot, ctx.now());
      return true;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  if (sent) ctx.outboxChanged();
  return sent;
}
