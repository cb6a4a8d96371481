/**
 * What the quarterly and yearly reports add to the monthly figures, counted by the database over a
 * period [start, end) (end = now while the period runs):
 * - the improvement measures (改进措施) of the resolutions in the period (trimmed, case-folded), with
 *   their cause category, most frequent first;
 * - the complaints whose hard limit fell in the period and was breached: resolved after it, or not
 *   resolved by the end (rejected ones and ones closed without a resolution are not counted, as in the export);
 * - the appeals (申诉) made in the period (the `appeal` events).
 */
import type { Db, Tx } from '../../store/database.ts';
import type { Period } from '../../domain/digest.ts';
import type { PeriodExtras } from './report-figures.ts';

/** Rows listed per section; the rest are counted. */
export const EXTRAS_LIST_LIMIT = 20;

export async function computePeriodExtras(db: Db | Tx, period: Period, now: Date, opts: { topMeasures: number; listLimit?: number }): Promise<PeriodExtras> {
  const end = period.end.getTime() > now.getTime() ? now : period.end;
  const limit = opts.listLimit ?? EXTRAS_LIST_LIMIT;
  // the columns hold UTC without a zone
  const endText = end.toISOString().replace('T', ' ').replace('Z', '');

  const measures = await db.$queryRaw<{ cause: string | null; measure: string; n: number }[]>`
    SELECT "causeCategory" AS "cause", min(btrim("improvement")) AS "measure", count(*)::int AS "n"
    FROM "Complaint"
    WHERE "resolvedAt" >= ${period.start} AND "resolvedAt" < ${end} AND NULLIF(btrim("improvement"), '') IS NOT NULL
    GROUP BY "causeCategory", lower(btrim("improvement"))
    ORDER BY "n" DESC, "cause" NULLS LAST, "measure"
    LIMIT ${opts.topMeasures}`;

  const breaches = await db.$queryRaw<{ number: string; departmentId: string; hardLimitAt: Date; overHours: number; resolved: boolean; total: number }[]>`
    SELECT "number", "departmentId", "hardLimitAt",
      extract(epoch FROM COALESCE("resolvedAt", ${endText}::timestamp) - "hardLimitAt")::float8 / 3600 AS "overHours",
      ("resolvedAt" IS NOT NULL) AS "resolved", count(*) OVER ()::int AS "total"
    FROM "Complaint"
    WHERE "hardLimitAt" >= ${period.start} AND "hardLimitAt" < ${end}
      AND "status" <> 'rejected' AND NOT ("status" = 'closed' AND "resolvedAt" IS NULL)
      AND ("resolvedAt" > "hardLimitAt" OR "resolvedAt" IS NULL)
    ORDER BY "overHours" DESC, "number"
    LIMIT ${limit}`;

  const appeals = await db.$queryRaw<{ number: string; departmentId: string; at: Date; total: number }[]>`
    SELECT c."number", c."departmentId", e."at", count(*) OVER ()::int AS "total"
    FROM "ComplaintEvent" e JOIN "Complaint" c ON c."id" = e."complaintId"
    WHERE e."type" = 'appeal' AND e."at" >= ${period.start} AND e."at" < ${end}
    ORDER BY e."at", c."number"
    LIMIT ${limit}`;

  return {
    measures: measures.map((m) => ({ cause: m.cause, measure: m.measure, count: m.n })),
    breaches: {
      total: breaches[0]?.total ?? 0,
      items: breaches.map((b) => ({ number: b.number, departmentId: b.departmentId, hardLimitAt: b.hardLimitAt, overHours: b.overHours, resolved: b.resolved })),
    },
    appeals: { total: appeals[0]?.total ?? 0, items: appeals.map((a) => ({ number: a.number, departmentId: a.departmentId, at: a.at })) },
  };
}
