/**
 * The weekly digest card (Feishu card JSON 2.0): a pure function of the digest. Figures with their
 * change against the previous week, SLA attainment, times, satisfaction, reopen rate, the breakdowns,
 * the longest-open complaints, and a chart of new and resolved complaints per day (VChart spec).
 */
import { DateTime } from 'luxon';
import { markdownText } from './markdown-text.ts';
import { attainment, change, isoWeekLabel, rate, ratingAverage } from '../src/domain/digest.ts';
import { formatLocalTime } from '../src/app/shared/format.ts';
import { SLA_CLOCKS, type PeriodFigures, type SlaClock, type WeeklyDigest } from '../src/app/reports/report-figures.ts';
import { t, type Language, type MessageKey } from '../src/i18n/index.ts';

/** Names from the config and typed text, shown as written and inert (see markdown-text.ts). */
export const escapeMarkdown = markdownText;

export function percent(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 100)}%`;
}

/**
 * A duration given in hours, in the unit that shows it: seconds under a minute, minutes under an hour,
 * hours to a tenth under ten hours, whole hours above ("0.0 小时" said nothing about a 20-second acceptance).
 */
export function hoursText(lang: Language, value: number | null): string {
  if (value === null) return '—';
  const seconds = Math.round(value * 3600);
  if (seconds < 60) return t(lang, 'digest.seconds', { s: seconds });
  const minutes = Math.round(value * 60);
  if (minutes <= 60 && value < 1) return t(lang, 'digest.minutes', { m: minutes });
  return t(lang, 'digest.hours', { h: value < 10 ? value.toFixed(1) : Math.round(value) });
}

/** The change against the previous value: "+3 +33%", "−2 −50%", "±0". */
export function changeText(current: number, previous: number): string {
  const c = change(current, previous)!;
  const sign = c.delta > 0 ? '+' : c.delta < 0 ? '−' : '±';
  const rel = c.relative === null || c.delta === 0 ? '' : ` ${sign}${Math.abs(Math.round(c.relative * 100))}%`;
  return `${sign}${Math.abs(c.delta)}${rel}`;
}

/** A share against the previous one, in percentage points; "—" when either is unknown. */
export function shareChangeText(lang: Language, current: number | null, previous: number | null): string {
  const c = change(current, previous);
  if (!c) return '—';
  const pp = Math.round(c.delta * 100);
  return t(lang, 'digest.points', { pp: pp > 0 ? `+${pp}` : pp < 0 ? `−${-pp}` : '±0' });
}

export function header(title: string, subtitle: string, late: boolean, lang: Language): Record<string, unknown> {
  return {
    title: { tag: 'plain_text', content: title },
    subtitle: { tag: 'plain_text', content: subtitle },
    template: late ? 'orange' : 'blue',
    ...(late ? { text_tag_list: [{ tag: 'text_tag', text: { tag: 'plain_text', content: t(lang, 'digest.lateTag') }, color: 'orange' }] } : {}),
  };
}

function attainmentLine(lang: Language, clock: SlaClock, cur: PeriodFigures, prev: PeriodFigures): string {
  const a = cur.attainment[clock];
  const p = prev.attainment[clock];
  const value = attainment(a.met, a.missed);
  return t(lang, 'digest.attainmentLine', {
    clock: t(lang, `jobs.clock.${clock}` as MessageKey),
    value: percent(value),
    met: a.met,
    total: a.met + a.missed,
    change: shareChangeText(lang, value, attainment(p.met, p.missed)),
  });
}

export function renderDigestCard(d: WeeklyDigest): Record<string, unknown> {
  const lang = d.language;
  const f = d.figures;
  const cur = f.current;
  const prev = f.previous;
  const local = (date: Date) => DateTime.fromJSDate(date).setZone(d.timeZone);
  const range = `${local(d.start).toFormat('yyyy-LL-dd')} – ${local(new Date(d.end.getTime() - 1)).toFormat('yyyy-LL-dd')}`;
  const title = t(lang, 'digest.title', { company: d.companyName, week: d.label });
  const md = (element_id: string, content: string, extra: Record<string, unknown> = {}) => ({ tag: 'markdown', element_id, content, ...extra });
  const elements: Record<string, unknown>[] = [];

  if (d.lateSince) elements.push(md('late', t(lang, 'digest.late', { scheduled: formatLocalTime(d.lateSince, d.timeZone) })));
  // Which week this is: a running one is counted so far (as of when the card was made), against the same span
  // of the week before; a finished one that the current week follows says how to ask for the current one.
  const day = (date: Date) => local(date).toFormat('yyyy-LL-dd');
  const running = d.generatedAt.getTime() < d.end.getTime();
  const span = d.generatedAt.getTime() - d.start.getTime();
  const weekMs = d.end.getTime() - d.start.getTime();
  if (running) {
    const previousStart = new Date(d.start.getTime() - weekMs);
    elements.push(
      md(
        'period',
        t(lang, 'digest.period.running', {
          at: formatLocalTime(d.generatedAt, d.timeZone),
          start: day(d.start),
          previousFrom: formatLocalTime(previousStart, d.timeZone),
          previousTo: formatLocalTime(new Date(previousStart.getTime() + span), d.timeZone),
        }),
      ),
    );
  } else if (d.generatedAt.getTime() < d.end.getTime() + weekMs) {
    elements.push(md('period', t(lang, 'digest.period.finished', { range, week: d.label, currentStart: day(d.end), currentWeek: isoWeekLabel(d.end, d.timeZone) })));
  }

  elements.push(
    md(
      'overview',
      [
        `**${t(lang, 'digest.section.overview')}**`,
        t(lang, 'digest.line.new', { n: cur.new, change: changeText(cur.new, prev.new) }),
        t(lang, 'digest.line.resolved', { n: cur.resolved, change: changeText(cur.resolved, prev.resolved) }),
        t(lang, running ? 'digest.line.openNow' : 'digest.line.open', { n: cur.open, change: changeText(cur.open, prev.open) }),
        t(lang, 'digest.line.overdue', { n: cur.overdue, change: changeText(cur.overdue, prev.overdue) }),
      ].join('\n'),
    ),
  );

  // The recontact clock (回访不满意客户) only exists for reopened complaints: listed when it was due at all.
  const judged = (p: PeriodFigures, c: SlaClock) => p.attainment[c].met + p.attainment[c].missed > 0;
  const clocks = SLA_CLOCKS.filter((c) => c !== 'recontact' || judged(cur, c) || judged(prev, c));
  elements.push(md('sla', [`**${t(lang, 'digest.section.sla')}**`, ...clocks.map((c) => attainmentLine(lang, c, cur, prev))].join('\n')));

  const timeLine = (key: 'accept' | 'resolve') =>
    t(lang, `digest.line.time.${key}` as MessageKey, {
      median: hoursText(lang, cur[key].medianHours),
      p90: hoursText(lang, cur[key].p90Hours),
      n: cur[key].count,
      previous: hoursText(lang, prev[key].medianHours),
    });
  elements.push(md('times', [`**${t(lang, 'digest.section.times')}**`, timeLine('accept'), timeLine('resolve')].join('\n')));

  const ratings = cur.ratings.reduce((a, b) => a + b, 0);
  const avg = ratingAverage(cur.ratings);
  const prevAvg = ratingAverage(prev.ratings);
  const satisfaction =
    ratings === 0
      ? t(lang, 'digest.noRatings')
      : [
          t(lang, 'digest.line.ratingAverage', { avg: avg!.toFixed(2), n: ratings, previous: prevAvg === null ? '—' : prevAvg.toFixed(2) }),
          t(lang, 'digest.line.ratingDistribution', { list: [5, 4, 3, 2, 1].map((s) => `${s}★ ${cur.ratings[s - 1]}`).join(' · ') }),
        ].join('\n');
  const reopenRate = rate(cur.reopened, cur.resolutions);
  elements.push(
    md(
      'satisfaction',
      [
        `**${t(lang, 'digest.section.satisfaction')}**`,
        satisfaction,
        t(lang, 'digest.line.reopenRate', { value: percent(reopenRate), reopened: cur.reopened, resolutions: cur.resolutions, change: shareChangeText(lang, reopenRate, rate(prev.reopened, prev.resolutions)) }),
      ].join('\n'),
    ),
  );

  const list = (items: { label: string; n: number }[]) => (items.length ? items.map((i) => `${escapeMarkdown(i.label)} ${i.n}`).join(' · ') : t(lang, 'digest.none'));
  elements.push(
    md(
      'breakdown',
      [
        `**${t(lang, 'digest.section.breakdown')}**`,
        t(lang, 'digest.line.byCategory', { list: list(f.byCategory.map((c) => ({ label: d.categoryNames[c.id] ?? c.id, n: c.count }))) }),
        t(lang, 'digest.line.bySeverity', { list: list(f.bySeverity.map((s) => ({ label: t(lang, `card.severity.${s.severity}` as MessageKey), n: s.count }))) }),
        ...f.byDepartment.map((x) =>
          t(lang, 'digest.line.department', { department: escapeMarkdown(d.departmentNames[x.id] ?? x.id), new: x.new, resolved: x.resolved, open: x.open, overdue: x.overdue }),
        ),
      ].join('\n'),
    ),
  );

  const longest = f.longestOpen.map((c, i) =>
    t(lang, 'digest.line.longestOpen', {
      i: i + 1,
      number: c.number,
      department: escapeMarkdown(d.departmentNames[c.departmentId] ?? c.departmentId),
      category: escapeMarkdown(d.categoryNames[c.category] ?? c.category),
      severity: t(lang, `card.severity.${c.severity}` as MessageKey),
      status: t(lang, `card.status.${c.status}` as MessageKey),
      days: Math.floor((Math.min(d.end.getTime(), d.generatedAt.getTime()) - c.registeredAt.getTime()) / 86_400_000),
      registeredAt: formatLocalTime(c.registeredAt, d.timeZone),
    }),
  );
  elements.push(md('longest_open', [`**${t(lang, 'digest.section.longestOpen')}**`, ...(longest.length ? longest : [t(lang, 'digest.none')])].join('\n')));

  const newLabel = t(lang, 'digest.series.new');
  const resolvedLabel = t(lang, 'digest.series.resolved');
  const dayLabel = (date: string) => DateTime.fromISO(date, { zone: d.timeZone }).setLocale(lang === 'zh' ? 'zh-CN' : 'en').toFormat('LL-dd ccc');
  elements.push({
    tag: 'chart',
    element_id: 'daily_chart',
    aspect_ratio: '16:9',
    chart_spec: {
      type: 'bar',
      title: { text: t(lang, 'digest.chart.daily') },
      data: [{ id: 'daily', values: f.daily.flatMap((x) => [{ day: dayLabel(x.date), series: newLabel, count: x.new }, { day: dayLabel(x.date), series: resolvedLabel, count: x.resolved }]) }],
      xField: ['day', 'series'],
      yField: 'count',
      seriesField: 'series',
      legends: { visible: true, orient: 'bottom' },
      label: { visible: true },
    },
  });
  elements.push(md('footer', t(lang, 'digest.footer', { at: formatLocalTime(d.generatedAt, d.timeZone) }), { text_size: 'notation' }));

  const head = header(title, range, Boolean(d.lateSince), lang);
  if (running) {
    const soFar = { tag: 'text_tag', text: { tag: 'plain_text', content: t(lang, 'digest.soFarTag') }, color: 'wathet' };
    head.text_tag_list = [...((head.text_tag_list as unknown[] | undefined) ?? []), soFar];
  }
  return {
    schema: '2.0',
    config: { summary: { content: running ? `${title} · ${t(lang, 'digest.soFar', { at: formatLocalTime(d.generatedAt, d.timeZone) })}` : title } },
    header: head,
    body: { elements },
  };
}
