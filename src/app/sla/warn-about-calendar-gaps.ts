/**
 * Public holidays are published a year at a time; a date whose year the calendar has no official data for
 * counts as an ordinary day, so SLA deadlines over it would be wrong without anyone noticing. When a date
 * in the next 30 days lacks data, say so: in the log (at start and every run) and, once a day (one slot
 * claimed across instances), in the managers' chat.
 */
import { datesWithoutOfficialData, type BusinessCalendar } from '../../domain/calendar.ts';
import { t } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { claimJobSlot, finishJobSlot, type JobSlot } from '../shared/claim-job-slot.ts';
import { enqueue } from '../shared/outbox.ts';

export const CALENDAR_WARNING_JOB = 'calendar-warning';
/** How far ahead the calendars must have official data. */
export const CALENDAR_LOOKAHEAD_DAYS = 30;

export interface CalendarGap {
  /** the config key of the calendar: `calendar`, or `calendars.<name>` */
  calendar: string;
  /** local dates without official data, in order */
  dates: string[];
  years: number[];
}

/** The calendars in use (the company's and those departments name) and their dates without official data from `at` on. */
export function findCalendarGaps(ctx: Pick<AppContext, 'config' | 'calendar' | 'calendarFor' | 'now'>, at: Date = ctx.now()): CalendarGap[] {
  const inUse = new Map<string, BusinessCalendar>([['calendar', ctx.calendar]]);
  for (const d of ctx.config.departments) if (d.calendar) inUse.set(`calendars.${d.calendar}`, ctx.calendarFor(d.id));
  const gaps: CalendarGap[] = [];
  for (const [calendar, cal] of inUse) {
    const dates = datesWithoutOfficialData(at, CALENDAR_LOOKAHEAD_DAYS, cal);
    if (dates.length) gaps.push({ calendar, dates, years: [...new Set(dates.map((d) => Number(d.slice(0, 4))))] });
  }
  return gaps;
}

/** Logs the gaps and, once per slot, posts them to the managers' chat; returns the gaps and whether this run posted them. */
export async function warnAboutCalendarGaps(ctx: AppContext, opts: { slot?: JobSlot } = {}): Promise<{ gaps: CalendarGap[]; posted: boolean }> {
  const gaps = findCalendarGaps(ctx);
  if (gaps.length === 0) return { gaps, posted: false };
  if (opts.slot?.reason !== 'startup') logCalendarGaps(ctx, gaps); // at start the bot has logged them already
  const chatId = ctx.config.managersChatId;
  if (!chatId) return { gaps, posted: false };
  const posted = await ctx.db.$transaction(async (tx) => {
    const now = ctx.now();
    if (opts.slot && !(await claimJobSlot(tx, opts.slot, now))) return false;
    await enqueue(tx, { channel: 'feishu', kind: 'text', target: chatId, payload: { text: calendarGapText(gaps, ctx.config.defaultLanguage) } }, now);
    if (opts.slot) await finishJobSlot(tx, opts.slot, now);
    return true;
  });
  if (posted) ctx.outboxChanged();
  return { gaps, posted };
}

/** One warning line in the log per run (the bot logs them at start too). */
export function logCalendarGaps(ctx: Pick<AppContext, 'log'>, gaps: CalendarGap[]): void {
  if (gaps.length) ctx.log.warn({ gaps: gaps.map((g) => ({ calendar: g.calendar, from: g.dates[0], to: g.dates.at(-1), years: g.years })) }, calendarGapText(gaps, 'en'));
}

function calendarGapText(gaps: CalendarGap[], lang: 'zh' | 'en'): string {
  const lines = gaps.map((g) => t(lang, 'jobs.calendarGap.line', { calendar: g.calendar, from: g.dates[0]!, to: g.dates.at(-1)!, days: g.dates.length, years: g.years.join(', ') }));
  return [t(lang, 'jobs.calendarGap', { days: CALENDAR_LOOKAHEAD_DAYS }), ...lines, t(lang, 'jobs.calendarGap.fix')].join('\n');
}
