/**
 * The weekly digest's figures, counted by the database: a few aggregate queries (GROUP BY, FILTER,
 * percentile_cont), each reading one index range of the week and the week before, never the whole history.
 *
 * Definitions (all in the company's time zone, week = Monday 00:00 → next Monday 00:00; a week not yet
 * ended is counted up to now, "so far", against the same span of the week before — see computeWeeklyFigures):
 * - new: registered in the week; resolved: resolved in the week (a reopened complaint counts when resolved again).
 * - open at an instant T: registered before T, not rejected, and still open at T (open now, or resolved/closed after T).
 * - overdue at T: open at T and past its resolve deadline, or past its accept deadline without being accepted by T.
 * - SLA attainment of a clock: among deadlines falling in the week, met = done by the deadline; missed = done
 *   late or not done and already past. Rejected complaints and ones closed without being done are left out.
 * - time to accept / resolve: registration → acceptance / resolution, in calendar hours, of those accepted /
 *   resolved in the week (median and 90th percentile).
 * - reopen rate: reopenings in the week / resolutions in the week (from the audit trail).
 */
import type { Db, Tx } from '../../store/database.ts';
import { Prisma } from '../../store/generated/client.ts';
import type { AppConfig } from '../../config/schema.ts';
import { dayBoundaries, daysOf, type Period } from '../../domain/digest.ts';
import type { DepartmentFigures, OpenComplaintRow, PeriodFigures, SlaClock, WeeklyFigures } from './report-figures.ts';

export const OPEN_STATUSES = ['registered', 'accepted', 'in_progress', 'waiting_customer', 'reopened'];

type Q = Db | Tx;
const hours = (seconds: number | null) => (seconds === null ? null : seconds / 3600);

/** WHERE clause: open at T (see the file comment); the first line lets the planner use three indexes. */
export function openAt(t: Date): Prisma.Sql {
  return Prisma.sql`("status" = ANY(${OPEN_STATUSES}::text[]) OR "resolvedAt" >= ${t} OR "closedAt" >= ${t})
    AND "registeredAt" < ${t} AND "status" <> 'rejected'
    AND ("status" = ANY(${OPEN_STATUSES}::text[]) OR COALESCE("resolvedAt", "closedAt") >= ${t})`;
}

/** Instants as a timestamp[] for width_bucket: the columns hold UTC without a zone. */
export function timestamps(instants: Date[]): Prisma.Sql {
  return Prisma.sql`${instants.map((d) => d.toISOString().replace('T', ' ').replace('Z', ''))}::timestamp[]`;
}

/** FILTER condition: overdue at T (for rows already open at T). */
export function overdueAt(t: Date): Prisma.Sql {
  return Prisma.sql`("resolveDueAt" < ${t} OR ("acceptDueAt" < ${t} AND ("acceptedAt" IS NULL OR "acceptedAt" >= ${t})))`;
}

function emptyFigures(): PeriodFigures {
  return {
    new: 0,
    resolved: 0,
    open: 0,
    overdue: 0,
    attainment: { accept: { met: 0, missed: 0 }, firstReply: { met: 0, missed: 0 }, recontact: { met: 0, missed: 0 }, resolve: { met: 0, missed: 0 } },
    accept: { count: 0, medianHours: null, p90Hours: null },
    resolve: { count: 0, medianHours: null, p90Hours: null },
    ratings: [0, 0, 0, 0, 0],
    reopened: 0,
    resolutions: 0,
  };
}

/**
 * The first-reply column holds the recontact deadline once a complaint was reopened (回访不满意客户): it is
 * counted under its own name, not as a first reply.
 */
const FIRST_REPLY_OR_RECONTACT = Prisma.sql`(CASE WHEN EXISTS (SELECT 1 FROM "ComplaintEvent" e WHERE e."complaintId" = "Complaint"."id" AND e."type" = 'reopen') THEN 'recontact' ELSE 'firstReply' END)`;

/**
 * WHERE condition: `column` in the previous window [from, previousTo) or the current one [split, to).
 * For a finished period previousTo = split, i.e. [from, to). For a running period both windows cover the
 * same span from their start (the current one up to now), so the comparison is like for like.
 */
export function inWindows(column: Prisma.Sql, from: Date, split: Date, to: Date, previousTo: Date = split): Prisma.Sql {
  if (previousTo.getTime() >= split.getTime()) return Prisma.sql`${column} >= ${from} AND ${column} < ${to}`;
  return Prisma.sql`((${column} >= ${from} AND ${column} < ${previousTo}) OR (${column} >= ${split} AND ${column} < ${to}))`;
}

/** Attainment of the clocks for deadlines in [from, previousTo) ∪ [split, to), split at `split` (rows with due >= split are "current"). */
export async function queryAttainment(db: Q, from: Date, split: Date, to: Date, now: Date, groupByDepartment = false, previousTo: Date = split) {
  const clock = (name: SlaClock | Prisma.Sql, due: string, done: string) => {
    const d = Prisma.raw(`"${due}"`);
    const x = Prisma.raw(`"${done}"`);
    return Prisma.sql`
      SELECT ${name} AS "clock", (${d} >= ${split}) AS "cur", ${groupByDepartment ? Prisma.sql`"departmentId"` : Prisma.sql`''`} AS "departmentId",
        count(*) FILTER (WHERE ${x} <= ${d})::int AS "met",
        count(*) FILTER (WHERE ${x} > ${d} OR (${x} IS NULL AND ${d} < ${now}))::int AS "missed"
      FROM "Complaint"
      WHERE ${inWindows(d, from, split, to, previousTo)} AND "status" <> 'rejected' AND NOT ("status" = 'closed' AND ${x} IS NULL)
      GROUP BY 1, 2, 3`;
  };
  return db.$queryRaw<{ clock: SlaClock; cur: boolean; departmentId: string; met: number; missed: number }[]>`
    ${clock('accept', 'acceptDueAt', 'acceptedAt')}
    UNION ALL ${clock(FIRST_REPLY_OR_RECONTACT, 'firstReplyDueAt', 'firstReplyAt')}
    UNION ALL ${clock('resolve', 'resolveDueAt', 'resolvedAt')}`;
}

/** Median and 90th percentile of registration → `column`, for rows with `column` in [from, previousTo) ∪ [split, to), split at `split`. */
export async function queryDurations(db: Q, column: 'acceptedAt' | 'resolvedAt', from: Date, split: Date, to: Date, previousTo: Date = split) {
  const c = Prisma.raw(`"${column}"`);
  return db.$queryRaw<{ cur: boolean; n: number; p50: number | null; p90: number | null }[]>`
    SELECT (${c} >= ${split}) AS "cur", count(*)::int AS "n",
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ${c} - "registeredAt")::float8) AS "p50",
      percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM ${c} - "registeredAt")::float8) AS "p90"
    FROM "Complaint" WHERE ${inWindows(c, from, split, to, previousTo)}
    GROUP BY 1`;
}

/**
 * The week's figures against the week before. A week that has not ended yet is counted as of `now`
 * ("so far"): what happened from Monday until now, open and overdue now (a deadline later this week is
 * not overdue yet), deadlines that fell due until now — compared with the same span of the week before
 * (Monday until the same weekday and time). A finished week is counted whole, against the whole week before.
 */
export async function computeWeeklyFigures(db: Q, config: AppConfig, week: Period, now: Date): Promise<WeeklyFigures> {
  const tz = config.calendar.timeZone;
  const S = week.start;
  const PS = new Date(S.getTime() - (week.end.getTime() - S.getTime()));
  // E: the end of what is counted (now, for a running week); PE: the same point in the week before.
  const E = new Date(Math.max(S.getTime(), Math.min(week.end.getTime(), now.getTime())));
  const PE = new Date(PS.getTime() + (E.getTime() - S.getTime()));
  const both = (column: string) => inWindows(Prisma.raw(`"${column}"`), PS, S, E, PE);
  const current = emptyFigures();
  const previous = emptyFigures();
  const pick = (cur: boolean) => (cur ? current : previous);

  const registered = await db.$queryRaw<{ cur: boolean; category: string; severity: string; departmentId: string; n: number }[]>`
    SELECT ("registeredAt" >= ${S}) AS "cur", "category", "severity", "departmentId", count(*)::int AS "n"
    FROM "Complaint" WHERE ${both('registeredAt')}
    GROUP BY 1, 2, 3, 4`;
  const byCategory = new Map<string, number>();
  const bySeverity = new Map<string, number>();
  const departments = new Map<string, DepartmentFigures>(config.departments.map((d) => [d.id, { id: d.id, new: 0, resolved: 0, open: 0, overdue: 0 }]));
  const dept = (id: string) => {
    if (!departments.has(id)) departments.set(id, { id, new: 0, resolved: 0, open: 0, overdue: 0 });
    return departments.get(id)!;
  };
  for (const r of registered) {
    pick(r.cur).new += r.n;
    if (!r.cur) continue;
    byCategory.set(r.category, (byCategory.get(r.category) ?? 0) + r.n);
    bySeverity.set(r.severity, (bySeverity.get(r.severity) ?? 0) + r.n);
    dept(r.departmentId).new += r.n;
  }

  const resolved = await db.$queryRaw<{ cur: boolean; departmentId: string; n: number }[]>`
    SELECT ("resolvedAt" >= ${S}) AS "cur", "departmentId", count(*)::int AS "n"
    FROM "Complaint" WHERE ${both('resolvedAt')} GROUP BY 1, 2`;
  for (const r of resolved) {
    pick(r.cur).resolved += r.n;
    if (r.cur) dept(r.departmentId).resolved += r.n;
  }

  for (const [t, figures, perDepartment] of [
    [E, current, true],
    [PE, previous, false],
  ] as const) {
    const rows = await db.$queryRaw<{ departmentId: string; open: number; overdue: number }[]>`
      SELECT "departmentId", count(*)::int AS "open", count(*) FILTER (WHERE ${overdueAt(t)})::int AS "overdue"
      FROM "Complaint" WHERE ${openAt(t)} GROUP BY 1`;
    for (const r of rows) {
      figures.open += r.open;
      figures.overdue += r.overdue;
      if (perDepartment) Object.assign(dept(r.departmentId), { open: r.open, overdue: r.overdue });
    }
  }

  for (const r of await queryAttainment(db, PS, S, E, now, false, PE)) {
    const a = pick(r.cur).attainment[r.clock];
    a.met += r.met;
    a.missed += r.missed;
  }
  for (const [column, key] of [
    ['acceptedAt', 'accept'],
    ['resolvedAt', 'resolve'],
  ] as const) {
    for (const r of await queryDurations(db, column, PS, S, E, PE)) pick(r.cur)[key] = { count: r.n, medianHours: hours(r.p50), p90Hours: hours(r.p90) };
  }

  const ratings = await db.$queryRaw<{ cur: boolean; rating: number; n: number }[]>`
    SELECT ("ratedAt" >= ${S}) AS "cur", "rating", count(*)::int AS "n"
    FROM "Complaint" WHERE ${both('ratedAt')} AND "rating" BETWEEN 1 AND 5 GROUP BY 1, 2`;
  for (const r of ratings) pick(r.cur).ratings[r.rating - 1] += r.n;

  const events = await db.$queryRaw<{ cur: boolean; type: string; n: number }[]>`
    SELECT ("at" >= ${S}) AS "cur", "type", count(*)::int AS "n"
    FROM "ComplaintEvent" WHERE "type" IN ('reopen', 'resolve') AND ${both('at')} GROUP BY 1, 2`;
  for (const r of events) {
    if (r.type === 'reopen') pick(r.cur).reopened += r.n;
    else pick(r.cur).resolutions += r.n;
  }

  const longestOpen = await db.$queryRaw<OpenComplaintRow[]>`
    SELECT "id", "number", "departmentId", "category", "severity", "status", "registeredAt", "escalationTier"
    FROM "Complaint" WHERE ${openAt(E)} ORDER BY "registeredAt", "id" LIMIT ${config.reports.longestOpen}`;

  // Buckets by local day boundaries computed here, so the database compares timestamps instead of converting zones.
  const days = daysOf(week, tz);
  const bounds = timestamps(dayBoundaries(week, tz));
  const perDay = await db.$queryRaw<{ kind: string; bucket: number; n: number }[]>`
    SELECT 'new' AS "kind", width_bucket("registeredAt", ${bounds}) AS "bucket", count(*)::int AS "n"
    FROM "Complaint" WHERE "registeredAt" >= ${S} AND "registeredAt" < ${E} GROUP BY 2
    UNION ALL
    SELECT 'resolved', width_bucket("resolvedAt", ${bounds}), count(*)::int
    FROM "Complaint" WHERE "resolvedAt" >= ${S} AND "resolvedAt" < ${E} GROUP BY 2`;
  // A running week lists the days begun so far: the days to come have no figures yet, not zero.
  const begun = dayBoundaries(week, tz).filter((d) => d.getTime() < E.getTime() || d.getTime() === S.getTime()).length;
  const daily = days.slice(0, Math.min(days.length, begun)).map((date, i) => ({
    date,
    new: perDay.find((r) => r.kind === 'new' && r.bucket === i + 1)?.n ?? 0,
    resolved: perDay.find((r) => r.kind === 'resolved' && r.bucket === i + 1)?.n ?? 0,
  }));

  const order = (id: string, list: string[]) => (list.indexOf(id) === -1 ? list.length : list.indexOf(id));
  const categoryIds = config.categories.map((c) => c.id);
  return {
    current,
    previous,
    byCategory: [...byCategory].map(([id, count]) => ({ id, count })).sort((a, b) => b.count - a.count || order(a.id, categoryIds) - order(b.id, categoryIds)),
    bySeverity: ['general', 'important', 'major'].map((severity) => ({ severity, count: bySeverity.get(severity) ?? 0 })),
    byDepartment: [...departments.values()],
    longestOpen,
    daily,
  };
}
