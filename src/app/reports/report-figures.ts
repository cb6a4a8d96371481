/**
 * The figures every report carries, as plain types: the use cases that count them (compute-…, send-…)
 * and the cards that draw them (cards/) both import them from here, so neither imports the other's module.
 */
import type { Language } from '../../i18n/index.ts';

export const SLA_CLOCKS = ['accept', 'firstReply', 'recontact', 'resolve'] as const;

export type SlaClock = (typeof SLA_CLOCKS)[number];

export interface DurationStats {
  count: number;
  medianHours: number | null;
  p90Hours: number | null;
}

export interface PeriodFigures {
  new: number;
  resolved: number;
  open: number;
  overdue: number;
  attainment: Record<SlaClock, { met: number; missed: number }>;
  accept: DurationStats;
  resolve: DurationStats;
  /** counts of ratings 1..5 (index 0 = rating 1) */
  ratings: number[];
  reopened: number;
  resolutions: number;
}

export interface DepartmentFigures {
  id: string;
  new: number;
  resolved: number;
  open: number;
  overdue: number;
}

export interface OpenComplaintRow {
  id: number;
  number: string;
  departmentId: string;
  category: string;
  severity: string;
  status: string;
  registeredAt: Date;
  escalationTier: number;
}

export interface WeeklyFigures {
  current: PeriodFigures;
  previous: PeriodFigures;
  byCategory: { id: string; count: number }[];
  bySeverity: { severity: string; count: number }[];
  byDepartment: DepartmentFigures[];
  longestOpen: OpenComplaintRow[];
  daily: { date: string; new: number; resolved: number }[];
}

export interface MonthFigures {
  /** a department id, or '' for the whole company */
  id: string;
  new: number;
  resolved: number;
  open: number;
  overdue: number;
  attainment: Record<SlaClock, { met: number; missed: number }>;
  resolve: DurationStats;
  /** counts of ratings 1..5 */
  ratings: number[];
  /** oldest first, ending with the month itself */
  trend: { month: string; new: number; resolved: number }[];
  /** the most frequent cause categories (原因分析) of the complaints resolved in the month; cause null = not given */
  causes: { cause: string | null; count: number }[];
  /** what was complained about most: category + subject of the complaints registered in the month */
  subjects: { category: string; subject: string | null; count: number }[];
}

export interface MonthlyFigures {
  month: string;
  company: MonthFigures;
  departments: MonthFigures[];
}

export interface WeeklyDigest {
  /** ISO week, e.g. 2026-W47 */
  label: string;
  start: Date;
  end: Date;
  figures: WeeklyFigures;
  categoryNames: Record<string, string>;
  departmentNames: Record<string, string>;
  companyName: string;
  timeZone: string;
  language: Language;
  generatedAt: Date;
  /** set when a scheduled digest is made up after downtime */
  lateSince: Date | null;
}

export interface MonthlySummary {
  /** 'YYYY-MM' */
  label: string;
  start: Date;
  end: Date;
  /** the department's name, or the company's */
  scope: string;
  scopeIsCompany: boolean;
  figures: MonthFigures;
  categoryNames: Record<string, string>;
  /** the config's cause categories by id, in the report's language */
  causeNames?: Record<string, string>;
  /** the per-handler appraisal table: only on the managers' copy (and the supervisors' private ones) */
  handlers?: HandlerFigures[];
  timeZone: string;
  language: Language;
  generatedAt: Date;
  lateSince: Date | null;
}

export interface LedgerItem {
  number: string;
  category: string;
  severity: string;
  status: string;
  registeredAt: Date;
  resolveDueAt: Date;
  handlerName: string | null;
  escalationTier: number;
}

export interface UnfinishedLedger {
  departmentId: string;
  department: string;
  chatId: string;
  /** last month, 'YYYY-MM' */
  month: string;
  /** the start of this month: everything registered before it and still open is listed */
  before: Date;
  total: number;
  items: LedgerItem[];
  categoryNames: Record<string, string>;
  timeZone: string;
  language: Language;
  generatedAt: Date;
  lateSince: Date | null;
}

/** One handler's appraisal figures for a period (src/app/reports/compute-handler-figures.ts). */
export interface HandlerFigures {
  openId: string;
  name: string;
  /** the department of most of their complaints */
  departmentId: string;
  accepted: number;
  resolved: number;
  medianAcceptHours: number | null;
  medianResolveHours: number | null;
  /** share of the resolved that met the resolve deadline; null when none resolved */
  attainment: number | null;
  ratings: number;
  averageRating: number | null;
  reopened: number;
}

/** A complaint past its hard limit (15 working days) in a period: resolved after it, or still open at the period's end. */
export interface HardLimitBreach {
  number: string;
  departmentId: string;
  hardLimitAt: Date;
  /** hours past the hard limit: to the resolution, or to the period's end (now, while it runs) when still unresolved */
  overHours: number;
  resolved: boolean;
}

export interface AppealItem {
  number: string;
  departmentId: string;
  at: Date;
}

/** What the quarterly and yearly reports (每季度审查, 年度总结) add to the monthly figures. */
export interface PeriodExtras {
  /** the improvement measures (改进措施) of the period's resolutions, most frequent first, with their cause */
  measures: { cause: string | null; measure: string; count: number }[];
  breaches: { total: number; items: HardLimitBreach[] };
  appeals: { total: number; items: AppealItem[] };
}

/** The company's report over a month, a quarter or a year, for the managers' chat (`/report`, the quarterly and yearly jobs). */
export interface PeriodReport extends PeriodExtras {
  kind: 'month' | 'quarter' | 'year';
  /** 2026-11, 2026-Q4, 2026 */
  label: string;
  start: Date;
  end: Date;
  /** set while the period has not ended: the figures are up to this instant */
  soFar: Date | null;
  scope: string;
  /** the trend rows are the period's own months (quarter, year), or the months up to it (month) */
  figures: MonthFigures;
  handlers?: HandlerFigures[];
  categoryNames: Record<string, string>;
  causeNames: Record<string, string>;
  departmentNames: Record<string, string>;
  timeZone: string;
  language: Language;
  generatedAt: Date;
  lateSince: Date | null;
}
