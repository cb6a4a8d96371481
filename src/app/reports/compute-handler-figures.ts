/**
 * Appraisal (绩效考核) figures per handler for a period, counted by the database from the complaints'
 * own columns: accepted (acceptedAt in the period), resolved (resolvedAt in the period: a resolution
 * since reopened no longer counts), median hours from registration to acceptance and to resolution of
 * those, SLA attainment of the resolve deadline among those resolved, the average rating given in the
 * period, and reopenings in the period (from the audit trail). The handler is the complaint's handler.
 */
import type { Db, Tx } from '../../store/database.ts';
import type { HandlerFigures } from './report-figures.ts';

export async function computeHandlerFigures(db: Db | Tx, period: { start: Date; end: Date }, opts: { handlers?: string[] } = {}): Promise<HandlerFigures[]> {
  const rows = await db.$queryRaw<
    { openId: string; name: string | null; departmentId: string; accepted: number; resolved: number; acceptP50: number | null; resolveP50: number | null; met: number; ratings: number; ratingAvg: number | null; reopened: number }[]
  >`
    WITH c AS (
      SELECT "id", "handlerOpenId", "handlerName", "departmentId", "registeredAt", "acceptedAt", "resolvedAt", "resolveDueAt", "rating", "ratedAt",
        ("acceptedAt" >= ${period.start} AND "acceptedAt" < ${period.end}) AS "acc",
        ("resolvedAt" >= ${period.start} AND "resolvedAt" < ${period.end}) AS "res",
        ("ratedAt" >= ${period.start} AND "ratedAt" < ${period.end} AND "rating" BETWEEN 1 AND 5) AS "rat"
      FROM "Complaint" WHERE "handlerOpenId" IS NOT NULL
    ),
    reopened AS (
      SELECT c."handlerOpenId", count(*)::int AS "n" FROM "ComplaintEvent" e JOIN c ON c."id" = e."complaintId"
      WHERE e."type" = 'reopen' AND e."at" >= ${period.start} AND e."at" < ${period.end} GROUP BY 1
    )
    SELECT c."handlerOpenId" AS "openId", max(c."handlerName") AS "name", mode() WITHIN GROUP (ORDER BY c."departmentId") AS "departmentId",
      count(*) FILTER (WHERE "acc")::int AS "accepted",
      count(*) FILTER (WHERE "res")::int AS "resolved",
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c."acceptedAt" - c."registeredAt")::float8) FILTER (WHERE "acc") / 3600 AS "acceptP50",
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM c."resolvedAt" - c."registeredAt")::float8) FILTER (WHERE "res") / 3600 AS "resolveP50",
      count(*) FILTER (WHERE "res" AND c."resolvedAt" <= c."resolveDueAt")::int AS "met",
      count(*) FILTER (WHERE "rat")::int AS "ratings",
      avg(c."rating") FILTER (WHERE "rat")::float8 AS "ratingAvg",
      COALESCE(max(r."n"), 0)::int AS "reopened"
    FROM c LEFT JOIN reopened r ON r."handlerOpenId" = c."handlerOpenId"
    GROUP BY c."handlerOpenId"
    HAVING count(*) FILTER (WHERE "acc" OR "res" OR "rat") > 0 OR COALESCE(max(r."n"), 0) > 0
    ORDER BY 1`;
  return rows
    .filter((r) => !opts.handlers || opts.handlers.includes(r.openId))
    .map((r) => ({
      openId: r.openId,
      name: r.name ?? r.openId,
      departmentId: r.departmentId,
      accepted: r.accepted,
      resolved: r.resolved,
      medianAcceptHours: r.acceptP50,
      medianResolveHours: r.resolveP50,
      attainment: r.resolved ? r.met / r.resolved : null,
      ratings: r.ratings,
      averageRating: r.ratingAvg,
      reopened: r.reopened,
    }));
}
