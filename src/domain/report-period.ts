/**
 * Periods people type for exports and reports, in the company's time zone: a month `2026-11`, a quarter
 * `2026-Q4`, a year `2026`, a day `2026-11-05`, or a range of days `2026-11-01..2026-11-15` (also with
 * `~`, `to` or a space between; both days included). Pure: the time zone and "now" come in.
 */
import { DateTime } from 'luxon';

export interface ReportPeriod {
  /** inclusive start (local midnight) */
  start: Date;
  /** exclusive end (local midnight after the last day) */
  end: Date;
  /** as people read it: 2026-11, 2026-Q4, 2026, 2026-11-01..2026-11-15 */
  label: string;
  kind: 'month' | 'quarter' | 'year' | 'days';
}

export type ParsedPeriod = { ok: true; period: ReportPeriod } | { ok: false; reason: 'format' | 'order' | 'future' };

const day = (text: string, zone: string) => {
  const d = DateTime.fromISO(text, { zone });
  return d.isValid && /^\d{4}-\d{2}-\d{2}$/.test(text) ? d.startOf('day') : null;
};

export function quarterOf(at: Date, timeZone: string): ReportPeriod {
  const start = DateTime.fromJSDate(at).setZone(timeZone).startOf('quarter');
  return { start: start.toJSDate(), end: start.plus({ months: 3 }).toJSDate(), label: `${start.year}-Q${start.quarter}`, kind: 'quarter' };
}

export function yearOf(at: Date, timeZone: string): ReportPeriod {
  const start = DateTime.fromJSDate(at).setZone(timeZone).startOf('year');
  return { start: start.toJSDate(), end: start.plus({ years: 1 }).toJSDate(), label: String(start.year), kind: 'year' };
}

export function parseReportPeriod(raw: string, now: Date, timeZone: string): ParsedPeriod {
  const text = raw.trim().toUpperCase().replace(/\s*(\.\.|~|～|TO|至)\s*/g, '..').replace(/\s+/g, '..');
  let period: ReportPeriod | null = null;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-Q([1-4])$/.exec(text))) {
    const start = DateTime.fromObject({ year: Number(m[1]), month: (Number(m[2]) - 1) * 3 + 1, day: 1 }, { zone: timeZone });
    period = { start: start.toJSDate(), end: start.plus({ months: 3 }).toJSDate(), label: `${m[1]}-Q${m[2]}`, kind: 'quarter' };
  } else if ((m = /^(\d{4})-(\d{2})$/.exec(text))) {
    const start = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone: timeZone });
    if (start.isValid) period = { start: start.toJSDate(), end: start.plus({ months: 1 }).toJSDate(), label: text, kind: 'month' };
  } else if ((m = /^(\d{4})$/.exec(text))) {
    const start = DateTime.fromObject({ year: Number(m[1]), month: 1, day: 1 }, { zone: timeZone });
    period = { start: start.toJSDate(), end: start.plus({ years: 1 }).toJSDate(), label: text, kind: 'year' };
  } else if ((m = /^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?$/.exec(text))) {
    const from = day(m[1]!, timeZone);
    const to = day(m[2] ?? m[1]!, timeZone);
    if (from && to) {
      if (to < from) return { ok: false, reason: 'order' };
      period = { start: from.toJSDate(), end: to.plus({ days: 1 }).toJSDate(), label: m[2] ? `${m[1]}..${m[2]}` : m[1]!, kind: 'days' };
    }
  }
  if (!period || Number.isNaN(period.start.getTime())) return { ok: false, reason: 'format' };
  if (period.start.getTime() > now.getTime()) return { ok: false, reason: 'future' };
  return { ok: true, period };
}
