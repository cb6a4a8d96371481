/**
 * The monthly summary's figures per department and for the company, counted by the database: the
 * month's counts, SLA attainment, time to resolve and ratings, the trend over the last months (new and
 * resolved per month), the most frequent causes (the resolutions' cause categories) and what was
 * complained about most (category + subject). Definitions as in
 * compute-weekly-figures.ts; the month is local midnight on the 1st → the next 1st.
 */
import type { Db, Tx } from '../../store/database.ts';
import type { AppConfig } from '../../config/schema.ts';
import { monthBoundaries, monthsEndingWith, type Period } from '../../domain/digest.ts';
import { openAt, overdueAt, queryAttainment, timestamps } from './compute-weekly-figures.ts';
import { SLA_CLOCKS, type DurationStats, type MonthFigures, type MonthlyFigures, type SlaClock } from './report-figures.ts';

type Q = Db | Tx;

export async function computeMonthlyFigures(db: Q, config: AppConfig, month: Period, now: Date): Promise<MonthlyFigures> {
  const tz = config.calendar.timeZone;
  const n = config.reports.trendMonths;
  const figures = await computePeriodFigures(db, config, { period: month, bounds: monthBoundaries(month.start, n, tz), labels: monthsEndingWith(month.start, n, tz) }, now);
  return { month: monthsEndingWith(month.start, 1, tz)[0]!, company: figures.company, departments: figures.departments };
}

/**
 * The same figures over any period made of whole months (a month, a quarter, a year): `bounds` are the
 * month boundaries of the trend (labels.length + 1 instants, the last one the period's end); the
 * period's own counts are the trend months that start at or after `period.start`. A period not ended
 * yet is counted up to `now` (open and overdue as of now).
 */
export async function computePeriodFigures(
  db: Q,
  config: AppConfig,
  opts: { period: Period; bounds: Date[]; labels: string[] },
  now: Date,
): Promise<{ company: MonthFigures; departments: MonthFigures[] }> {
  const month = { start: opts.period.start, end: opts.period.end };
  const endAt = month.end.getTime() > now.getTime() ? now : month.end;
  const n = opts.labels.length;
  const months = opts.labels;
  const trendStart = opts.bounds[0]!;
  const firstOwn = opts.bounds.findIndex((b) => b.getTime() >= month.start.getTime()) + 1;
  const make = (id: string): MonthFigures => ({
    id,
    new: 0,
    resolved: 0,
    open: 0,
    overdue: 0,
    attainment: Object.fromEntries(SLA_CLOCKS.map((c) => [c, { met: 0, missed: 0 }])) as MonthFigures['attainment'],
    resolve: { count: 0, medianHours: null, p90Hours: null },
    ratings: [0, 0, 0, 0, 0],
    trend: months.map((m) => ({ month: m, new: 0, resolved: 0 })),
    causes: [],
    subjects: [],
  });
  const company = make('');
  const departments = new Map(config.departments.map((d) => [d.id, make(d.id)]));
  const dept = (id: string) => {
    if (!departments.has(id)) departments.set(id, make(id));
    return departments.get(id)!;
  };
  const both = (id: string) => [company, dept(id)];
  // Buckets by month boundaries computed here: an index-only scan of (registeredAt|resolvedAt, departmentId), no zone conversion per row.
  const bounds = timestamps(opts.bounds);
  const trend = await db.$queryRaw<{ kind: 'new' | 'resolved'; departmentId: string; bucket: number; n: number }[]>`
    SELECT 'new' AS "kind", "departmentId", width_bucket("registeredAt", ${bounds}) AS "bucket", count(*)::int AS "n"
    FROM "Complaint" WHERE "registeredAt" >= ${trendStart} AND "registeredAt" < ${month.end} GROUP BY 2, 3
    UNION ALL
    SELECT 'resolved', "departmentId", width_bucket("resolvedAt", ${bounds}), count(*)::int
    FROM "Complaint" WHERE "resolvedAt" >= ${trendStart} AND "resolvedAt" < ${month.end} GROUP BY 2, 3`;
  for (const r of trend) {
    for (const f of both(r.departmentId)) {
      const point = f.trend[r.bucket - 1];
      if (point) point[r.kind] += r.n;
      if (r.bucket >= firstOwn && r.bucket <= n) f[r.kind] += r.n;
    }
  }

  const open = await db.$queryRaw<{ departmentId: string; open: number; overdue: number }[]>`
    SELECT "departmentId", count(*)::int AS "open", count(*) FILTER (WHERE ${overdueAt(endAt)})::int AS "overdue"
    FROM "Complaint" WHERE ${openAt(endAt)} GROUP BY 1`;
  for (const r of open) {
    for (const f of both(r.departmentId)) {
      f.open += r.open;
      f.overdue += r.overdue;
    }
  }

  for (const r of await queryAttainment(db, month.start, month.start, month.end, now, true)) {
    for (const f of both(r.departmentId)) {
      f.attainment[r.clock].met += r.met;
      f.attainment[r.clock].missed += r.missed;
    }
  }

  const durations = await db.$queryRaw<{ departmentId: string | null; n: number; p50: number | null; p90: number | null }[]>`
    SELECT "departmentId", count(*)::int AS "n",
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "resolvedAt" - "registeredAt")::float8) AS "p50",
      percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM "resolvedAt" - "registeredAt")::float8) AS "p90"
    FROM "Complaint" WHERE "resolvedAt" >= ${month.start} AND "resolvedAt" < ${month.end}
    GROUP BY ROLLUP ("departmentId")`;
  for (const r of durations) {
    const f = r.departmentId === null ? company : dept(r.departmentId);
    f.resolve = { count: r.n, medianHours: r.p50 === null ? null : r.p50 / 3600, p90Hours: r.p90 === null ? null : r.p90 / 3600 };
  }

  const ratings = await db.$queryRaw<{ departmentId: string; rating: number; n: number }[]>`
    SELECT "departmentId", "rating", count(*)::int AS "n" FROM "Complaint"
    WHERE "ratedAt" >= ${month.start} AND "ratedAt" < ${month.end} AND "rating" BETWEEN 1 AND 5 GROUP BY 1, 2`;
  for (const r of ratings) for (const f of both(r.departmentId)) f.ratings[r.rating - 1] += r.n;

  // Top subjects per department and for the company (department ''), in one pass over the month.
  const top = config.reports.topCauses;
  const subjects = await db.$queryRaw<{ departmentId: string; category: string; subject: string | null; n: number }[]>`
    WITH c AS (
      SELECT COALESCE("departmentId", '') AS "departmentId", "category", "subject", count(*)::int AS "n"
      FROM (SELECT "departmentId", "category", NULLIF(lower(btrim("subject")), '') AS "subject" FROM "Complaint"
            WHERE "registeredAt" >= ${month.start} AND "registeredAt" < ${month.end}) m
      GROUP BY GROUPING SETS (("departmentId", "category", "subject"), ("category", "subject"))
    )
    SELECT "departmentId", "category", "subject", "n" FROM (
      SELECT *, row_number() OVER (PARTITION BY "departmentId" ORDER BY "n" DESC, "category", "subject" NULLS FIRST) AS "rn" FROM c
    ) ranked WHERE "rn" <= ${top} ORDER BY "departmentId", "rn"`;
  for (const r of subjects) (r.departmentId === '' ? company : dept(r.departmentId)).subjects.push({ category: r.category, subject: r.subject, count: r.n });

  // Top cause categories of the month's resolutions (a complaint reopened since counts when resolved again).
  const causes = await db.$queryRaw<{ departmentId: string; cause: string | null; n: number }[]>`
    WITH c AS (
      SELECT COALESCE("departmentId", '') AS "departmentId", "causeCategory" AS "cause", count(*)::int AS "n"
      FROM "Complaint" WHERE "resolvedAt" >= ${month.start} AND "resolvedAt" < ${month.end}
      GROUP BY GROUPING SETS (("departmentId", "causeCategory"), ("causeCategory"))
    )
    SELECT "departmentId", "cause", "n" FROM (
      SELECT *, row_number() OVER (PARTITION BY "departmentId" ORDER BY "n" DESC, "cause" NULLS LAST) AS "rn" FROM c
    ) ranked WHERE "rn" <= ${top} ORDER BY "departmentId", "rn"`;
  for (const r of causes) (r.departmentId === '' ? company : dept(r.departmentId)).causes.push({ cause: r.cause, count: r.n });

  return { company, departments: [...departments.values()] };
}
