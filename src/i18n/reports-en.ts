import type { reportsZh } from './reports-zh.ts';

/** English texts of the quarterly and yearly reports, the archive and the "customer answered" task; same keys as reports-zh.ts. */
export const reportsEn: Record<keyof typeof reportsZh, string> = {
  'report.title.month': '{scope} complaints monthly summary {label}',
  'report.title.quarter': '{scope} quarterly complaint review {label}',
  'report.title.year': '{scope} annual complaint report {label}',
  'report.soFar': '⏳ This period has not ended: figures so far, up to {at}.',
  'report.line.new': 'New **{n}**',
  'report.line.resolved': 'Resolved **{n}**',
  'report.openAtEnd': 'Open at period end **{open}**, overdue **{overdue}**',
  'report.openNow': 'Open now **{open}**, overdue **{overdue}**',
  'report.trend': 'Trend by month',
  'report.measures': 'Improvement measures taken',
  'report.measure': '{i}. {measure} ({cause}): {n}',
  'report.breaches': 'Complaints past the hard limit: {n}',
  'report.breach.resolved': '{number} · {department} · limit {limit}, resolved {over} late',
  'report.breach.open': '{number} · {department} · limit {limit}, {over} over and still not resolved',
  'report.appeals': 'Appeals: {n}',
  'report.appeal': '{number} · {department} · {at}',
  'report.more': '… and {n} more',
  'report.days': '{d} days',
  'report.command.usage': 'Usage: /report 2026-11 (month), /report 2026-Q3 (quarter) or /report 2026 (year)',
  'report.command.badPeriod': '"{text}" is not a month, a quarter or a year. Usage: /report 2026-11 (month), /report 2026-Q3 (quarter) or /report 2026 (year)',
  'report.command.future': '{text} has not started yet; there are no figures.',
  'report.command.managersOnly': 'Reports are given in the managers\' chat only; send /report there.',
};
