/**
 * The monthly summary card and the unfinished-ledger card (Feishu card JSON 2.0), pure functions of
 * their reports. The summary carries a line chart of the trend over the last months (VChart spec).
 */
import { attainment, ratingAverage } from '../src/domain/digest.ts';
import { formatLocalTime } from '../src/app/shared/format.ts';
import { SLA_CLOCKS, type MonthFigures, type MonthlySummary, type UnfinishedLedger } from '../src/app/reports/report-figures.ts';
import { t, type Language, type MessageKey } from '../src/i18n/index.ts';
import { changeText, escapeMarkdown, header, hoursText, percent } from './digest-card.ts';
import { handlerTable } from './appraisal.ts';

export function renderSummaryCard(s: MonthlySummary): Record<string, unknown> {
  const lang = s.language;
  const f = s.figures;
  const title = t(lang, 'digest.summary.title', { scope: s.scope, month: s.label });
  const md = (element_id: string, content: string, extra: Record<string, unknown> = {}) => ({ tag: 'markdown', element_id, content, ...extra });
  const previous = f.trend.length > 1 ? f.trend[f.trend.length - 2]! : { new: 0, resolved: 0 };
  const elements: Record<string, unknown>[] = [];
  if (s.lateSince) elements.push(md('late', t(lang, 'digest.late', { scheduled: formatLocalTime(s.lateSince, s.timeZone) })));

  elements.push(
    md(
      'overview',
      [
        `**${t(lang, 'digest.section.overview')}**`,
        t(lang, 'digest.summary.line.new', { n: f.new, change: changeText(f.new, previous.new) }),
        t(lang, 'digest.summary.line.resolved', { n: f.resolved, change: changeText(f.resolved, previous.resolved) }),
        t(lang, 'digest.summary.openAtEnd', { open: f.open, overdue: f.overdue }),
      ].join('\n'),
    ),
  );

  elements.push(md('sla', slaLines(lang, f).join('\n')));
  elements.push(md('causes', causeLines(lang, f, s.causeNames).join('\n')));
  elements.push(md('subjects', subjectLines(lang, f, s.categoryNames).join('\n')));

  if (s.handlers) elements.push(md('handlers', handlerTable(lang, s.handlers).join('\n')));

  elements.push(...trendElements(lang, f.trend, t(lang, 'digest.summary.trend', { months: f.trend.length }), 'line'));
  elements.push(md('footer', t(lang, 'digest.footer', { at: formatLocalTime(s.generatedAt, s.timeZone) }), { text_size: 'notation' }));
  return {
    schema: '2.0',
    config: { summary: { content: title } },
    header: header(title, s.scopeIsCompany ? t(lang, 'digest.summary.companyWide') : s.scope, Boolean(s.lateSince), lang),
    body: { elements },
  };
}

/**
 * The trend by month: one line per month, and the same as a chart (a line for the monthly summary's six
 * months, bars for a quarter's or a year's months).
 */
export function trendElements(lang: Language, trend: MonthFigures['trend'], title: string, kind: 'line' | 'bar'): Record<string, unknown>[] {
  const lines = trend.map((p) => t(lang, 'digest.summary.trendLine', { month: p.month, new: p.new, resolved: p.resolved }));
  const newLabel = t(lang, 'digest.series.new');
  const resolvedLabel = t(lang, 'digest.series.resolved');
  return [
    { tag: 'markdown', element_id: 'trend', content: [`**${title}**`, ...lines].join('\n') },
    {
      tag: 'chart',
      element_id: 'trend_chart',
      aspect_ratio: '16:9',
      chart_spec: {
        type: kind,
        title: { text: title },
        data: [{ id: 'trend', values: trend.flatMap((p) => [{ month: p.month, series: newLabel, count: p.new }, { month: p.month, series: resolvedLabel, count: p.resolved }]) }],
        xField: kind === 'bar' ? ['month', 'series'] : 'month',
        yField: 'count',
        seriesField: 'series',
        ...(kind === 'line' ? { point: { visible: true } } : {}),
        legends: { visible: true, orient: 'bottom' },
      },
    },
  ];
}

/** SLA attainment, time to resolve and the ratings of a month's (or a period's) figures. */
export function slaLines(lang: Language, f: MonthFigures): string[] {
  const avg = ratingAverage(f.ratings);
  const ratings = f.ratings.reduce((a, b) => a + b, 0);
  return [
    `**${t(lang, 'digest.section.sla')}**`,
    SLA_CLOCKS.map((c) => {
      const a = f.attainment[c];
      return t(lang, 'digest.summary.attainment', { clock: t(lang, `jobs.clock.${c}` as MessageKey), value: percent(attainment(a.met, a.missed)), met: a.met, total: a.met + a.missed });
    }).join(t(lang, 'digest.separator')),
    t(lang, 'digest.summary.resolveTime', { median: hoursText(lang, f.resolve.medianHours), p90: hoursText(lang, f.resolve.p90Hours) }),
    ratings === 0 ? t(lang, 'digest.noRatings') : t(lang, 'digest.summary.ratingAverage', { avg: avg!.toFixed(2), n: ratings }),
  ];
}

/** The most frequent cause categories (原因分析). */
export function causeLines(lang: Language, f: MonthFigures, causeNames: Record<string, string> | undefined): string[] {
  const causes = f.causes.map((c, i) =>
    t(lang, 'digest.summary.rootCause', { i: i + 1, cause: c.cause === null ? t(lang, 'digest.summary.causeNotGiven') : escapeMarkdown(causeNames?.[c.cause] ?? c.cause), n: c.count }),
  );
  return [`**${t(lang, 'digest.summary.rootCauses')}**`, ...(causes.length ? causes : [t(lang, 'digest.none')])];
}

/** What was complained about most (category + subject). */
export function subjectLines(lang: Language, f: MonthFigures, categoryNames: Record<string, string>): string[] {
  const subjects = f.subjects.map((c, i) =>
    t(lang, c.subject ? 'digest.summary.causeWithSubject' : 'digest.summary.cause', {
      i: i + 1,
      category: escapeMarkdown(categoryNames[c.category] ?? c.category),
      subject: escapeMarkdown(c.subject ?? ''),
      n: c.count,
    }),
  );
  return [`**${t(lang, 'digest.summary.subjects')}**`, ...(subjects.length ? subjects : [t(lang, 'digest.none')])];
}

export function renderLedgerCard(l: UnfinishedLedger): Record<string, unknown> {
  const lang = l.language;
  const title = t(lang, 'digest.ledger.title', { department: l.department, month: l.month });
  const time = (d: Date) => formatLocalTime(d, l.timeZone);
  const elements: Record<string, unknown>[] = [];
  if (l.lateSince) elements.push({ tag: 'markdown', element_id: 'late', content: t(lang, 'digest.late', { scheduled: time(l.lateSince) }) });
  if (l.total === 0) {
    elements.push({ tag: 'markdown', element_id: 'items', content: t(lang, 'digest.ledger.empty', { month: l.month }) });
  } else {
    elements.push({ tag: 'markdown', element_id: 'intro', content: t(lang, 'digest.ledger.intro', { n: l.total, before: time(l.before) }) });
    const lines = l.items.map((c, i) =>
      t(lang, 'digest.ledger.item', {
        i: i + 1,
        number: c.number,
        category: escapeMarkdown(l.categoryNames[c.category] ?? c.category),
        severity: t(lang, `card.severity.${c.severity}` as MessageKey),
        status: t(lang, `card.status.${c.status}` as MessageKey),
        registeredAt: time(c.registeredAt),
        handler: c.handlerName ? escapeMarkdown(c.handlerName) : t(lang, 'digest.ledger.noHandler'),
        due: time(c.resolveDueAt),
        overdue: c.resolveDueAt.getTime() < l.generatedAt.getTime() ? t(lang, 'digest.ledger.overdue') : '',
      }),
    );
    elements.push({ tag: 'markdown', element_id: 'items', content: lines.join('\n') });
    if (l.total > l.items.length) elements.push({ tag: 'markdown', element_id: 'more', content: t(lang, 'digest.ledger.more', { n: l.total - l.items.length }) });
  }
  return {
    schema: '2.0',
    config: { summary: { content: title } },
    header: header(title, l.department, Boolean(l.lateSince), lang),
    body: { elements },
  };
}
