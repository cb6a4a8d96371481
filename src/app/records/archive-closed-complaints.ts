/**
 * The daily archive job (归档, 以备日后查询与复核): complaints closed (or rejected) longer ago than
 * `records.archiveAfterDays` are archived — `archivedAt` set, an `archive` event in the audit trail —
 * in batches of `ARCHIVE_BATCH`, each one transaction. An archived complaint is read-only: every
 * use case that changes a complaint takes its lock through lockComplaint (or writes through
 * changeStatus), which refuse it with `ARCHIVED`; its cards are no longer patched (the Feishu sender
 * skips them). It is still found by /find and /status, and counted in exports and reports.
 * Claimed per slot like the other daily jobs; a rerun finds nothing left to do.
 */
import type { AppContext } from '../shared/context.ts';
import { claimJobSlot, finishJobSlot, type JobSlot } from '../shared/claim-job-slot.ts';

export const ARCHIVE_JOB = 'archive';
export const ARCHIVE_BATCH = 500;
export const SYSTEM_ARCHIVE_ACTOR = { id: 'system:archive', name: 'archive' };
const DAY_MS = 24 * 3600_000;

export interface ArchiveResult {
  cutoff: Date;
  batches: number;
  numbers: string[];
}

/** Closed (or rejected) before this instant: due for the archive. A rejected complaint counts from its last change. */
export function archiveCutoff(ctx: Pick<AppContext, 'config'>, now: Date): Date {
  return new Date(now.getTime() - ctx.config.records.archiveAfterDays * DAY_MS);
}

export async function archiveClosedComplaints(ctx: AppContext, opts: { slot?: JobSlot; batch?: number } = {}): Promise<ArchiveResult | null> {
  const now = ctx.now();
  if (opts.slot && !(await claimJobSlot(ctx.db, opts.slot, now)) && opts.slot.reason === 'schedule') return null;
  const cutoff = archiveCutoff(ctx, now);
  const size = opts.batch ?? ARCHIVE_BATCH;
  const total: ArchiveResult = { cutoff, batches: 0, numbers: [] };
  for (;;) {
    const archived = await ctx.db.$transaction(async (tx) => {
      // nextDueAt = NULL: the SLA sweep has nothing more to do for it.
      const rows = await tx.$queryRaw<{ id: number; number: string; status: string; closedAt: Date | null }[]>`
        UPDATE "Complaint" SET "archivedAt" = ${now}, "nextDueAt" = NULL
        WHERE "id" IN (
          SELECT "id" FROM "Complaint"
          WHERE "archivedAt" IS NULL AND "status" IN ('closed', 'rejected') AND COALESCE("closedAt", "updatedAt") < ${cutoff}
          ORDER BY "id" LIMIT ${size} FOR UPDATE SKIP LOCKED)
        RETURNING "id", "number", "status", "closedAt"`;
      if (rows.length)
        await tx.complaintEvent.createMany({
          data: rows.map((r) => ({
            complaintId: r.id,
            type: 'archive',
            actor: SYSTEM_ARCHIVE_ACTOR.id,
            actorName: SYSTEM_ARCHIVE_ACTOR.name,
            fromStatus: r.status,
            toStatus: r.status,
            at: now,
            data: { afterDays: ctx.config.records.archiveAfterDays, cutoff: cutoff.toISOString() },
          })),
        });
      return rows;
    });
    if (!archived.length) break;
    total.batches++;
    total.numbers.push(...archived.map((r) => r.number));
    if (archived.length < size) break;
  }
  if (opts.slot) await finishJobSlot(ctx.db, opts.slot, ctx.now());
  if (total.numbers.length) ctx.log.info({ cutoff: cutoff.toISOString(), complaints: total.numbers.length, batches: total.batches }, 'archive: closed complaints archived');
  return total;
}
