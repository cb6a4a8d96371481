/**
 * The company's report over a month, a quarter or a year (投诉月度汇总, 季度审查, 年度总结) for the
 * managers' chat (Feishu card JSON 2.0), a pure function of the report: the monthly summary's figures
 * over the period, the trend by month (rows and a bar chart, VChart spec), the top causes and the
 * improvement measures taken, the complaints that breached the hard limit, the appeals and the
 * appraisal table. A period not ended yet says its figures are "so far".
 */
import { formatLocalTime } from '../src/app/shared/format.ts';
import type { PeriodReport } from '../src/app/reports/report-figures.ts';
import { t, type Language, type MessageKey } from '../src/i18n/index.ts';
import { escapeMarkdown, header, hoursText } from './digest-card.ts';
import { handlerTable } from './appraisal.ts';
import { causeLines, slaLines, subjectLines, trendElements } from './summary-card.ts';

/** Hours past a limit, in hours under two days, else in days to a tenth. */
export function overText(lang: Language, hours: number): string {
  return hours < 48 ? hoursText(lang, hours) : t(lang, 'report.days', { d: (hours / 24).toFixed(1) });
}

export function renderPeriodReportCard(r: PeriodReport): Record<string, unknown> {
  const lang = r.language;
  const f = r.figures;
  const title = t(lang, `report.title.${r.kind}` as MessageKey, { scope: r.scope, label: r.label });
  const md = (element_id: string, content: string, extra: Record<string, unknown> = {}) => ({ tag: 'markdown', element_id, content, ...extra });
  const time = (d: Date) => formatLocalTime(d, r.timeZone);
  const dept = (id: string) => escapeMarkdown(r.departmentNames[id] ?? id);
  const more = (total: number, shown: number) => (total > shown ? [t(lang, 'report.more', { n: total - shown })] : []);
  const elements: Record<string, unknown>[] = [];
  if (r.lateSince) elements.push(md('late', t(lang, 'digest.late', { scheduled: time(r.lateSince) })));
  if (r.soFar) elements.push(md('so_far', t(lang, 'report.soFar', { at: time(r.soFar) })));

  elements.push(
    md(
      'overview',
      [
        `**${t(lang, 'digest.section.overview')}**`,
        t(lang, 'report.line.new', { n: f.new }),
        t(lang, 'report.line.resolved', { n: f.resolved }),
        t(lang, r.soFar ? 'report.openNow' : 'report.openAtEnd', { open: f.open, overdue: f.overdue }),
      ].join('\n'),
    ),
  );
  elements.push(md('sla', slaLines(lang, f).join('\n')));

  // Trend by month: one row per month, and the same as a chart.
  const trendTitle = r.kind === 'month' ? t(lang, 'digest.summary.trend', { months: f.trend.length }) : t(lang, 'report.trend');
  elements.push(...trendElements(lang, f.trend, trendTitle, 'bar'));

  elements.push(md('causes', causeLines(lang, f, r.causeNames).join('\n')));
  const measures = r.measures.map((m, i) =>
    t(lang, 'report.measure', { i: i + 1, measure: escapeMarkdown(m.measure), cause: m.cause === null ? t(lang, 'digest.summary.causeNotGiven') : escapeMarkdown(r.causeNames[m.cause] ?? m.cause), n: m.count }),
  );
  elements.push(md('measures', [`**${t(lang, 'report.measures')}**`, ...(measures.length ? measures : [t(lang, 'digest.none')])].join('\n')));
  elements.push(md('subjects', subjectLines(lang, f, r.categoryNames).join('\n')));

  const breaches = r.breaches.items.map((b) =>
    t(lang, b.resolved ? 'report.breach.resolved' : 'report.breach.open', { number: b.number, department: dept(b.departmentId), limit: time(b.hardLimitAt), over: overText(lang, b.overHours) }),
  );
  elements.push(md('breaches', [`**${t(lang, 'report.breaches', { n: r.breaches.total })}**`, ...(breaches.length ? breaches : [t(lang, 'digest.none')]), ...more(r.breaches.total, breaches.length)].join('\n')));

  const appeals = r.appeals.items.map((a) => t(lang, 'report.appeal', { number: a.number, department: dept(a.departmentId), at: time(a.at) }));
  elements.push(md('appeals', [`**${t(lang, 'report.appeals', { n: r.appeals.total })}**`, ...(appeals.length ? appeals : [t(lang, 'digest.none')]), ...more(r.appeals.total, appeals.length)].join('\n')));

  if (r.handlers) elements.push(md('handlers', handlerTable(lang, r.handlers).join('\n')));
  elements.push(md('footer', t(lang, 'digest.footer', { at: time(r.generatedAt) }), { text_size: 'notation' }));
  return {
    schema: '2.0',
    config: { summary: { content: title } },
    header: header(title, t(lang, 'digest.summary.companyWide'), Boolean(r.lateSince), lang),
    body: { elements },
  };
}
