/**
 * The daily retention job (个人信息保护法 art. 19): complaints closed or rejected longer ago than
 * `records.retainPersonalDataDays` lose their personal data (deidentify-personal-data.ts), in batches of
 * `RETENTION_BATCH`, each batch one transaction of a few statements with one access-log line. Claimed per
 * slot like the other daily jobs; a rerun finds nothing left to do.
 */
import type { AppContext } from '../shared/context.ts';
import { claimJobSlot, finishJobSlot, type JobSlot } from '../shared/claim-job-slot.ts';
import { deidentifyPersonalData, type DeidentifyResult } from './deidentify-personal-data.ts';

export const RETENTION_JOB = 'retention';
export const RETENTION_BATCH = 500;
const DAY_MS = 24 * 3600_000;
export const SYSTEM_RETENTION_ACTOR = { id: 'system:retention', name: 'retention' };

export interface RetentionResult {
  cutoff: Date;
  batches: number;
  complaints: number;
  customers: number;
  numbers: string[];
}

/** Closed (or rejected) before this instant: past retention. A rejected complaint counts from its last change. */
export function retentionCutoff(ctx: Pick<AppContext, 'config'>, now: Date): Date {
  return new Date(now.getTime() - ctx.config.records.retainPersonalDataDays * DAY_MS);
}

export async function applyRetention(ctx: AppContext, opts: { slot?: JobSlot; batch?: number } = {}): Promise<RetentionResult | null> {
  const now = ctx.now();
  if (opts.slot && !(await claimJobSlot(ctx.db, opts.slot, now)) && opts.slot.reason === 'schedule') return null;
  const cutoff = retentionCutoff(ctx, now);
  const size = opts.batch ?? RETENTION_BATCH;
  const total: RetentionResult = { cutoff, batches: 0, complaints: 0, customers: 0, numbers: [] };
  for (;;) {
    const result: DeidentifyResult | null = await ctx.db.$transaction(async (tx) => {
      const due = await tx.$queryRaw<{ id: number }[]>`
        SELECT "id" FROM "Complaint"
        WHERE "deidentifiedAt" IS NULL
          AND (("status" = 'closed' AND "closedAt" < ${cutoff}) OR ("status" IN ('closed', 'rejected') AND "closedAt" IS NULL AND "updatedAt" < ${cutoff}))
        ORDER BY "id" LIMIT ${size} FOR UPDATE SKIP LOCKED`;
      if (!due.length) return null;
      return deidentifyPersonalData(tx, { complaintIds: due.map((r) => r.id), at: now, actor: SYSTEM_RETENTION_ACTOR, reason: 'retention', keepActiveSince: cutoff });
    });
    if (!result) break;
    total.batches++;
    total.complaints += result.complaints;
    total.customers += result.customers;
    total.numbers.push(...result.numbers);
    if (result.complaints < size) break;
  }
  // Customers kept because they were writing when their last complaint's data went: once they have been
  // quiet for the retention period too (and have no complaint of their own left), their profile goes.
  for (;;) {
    const result: DeidentifyResult | null = await ctx.db.$transaction(async (tx) => {
      const quiet = await tx.$queryRaw<{ id: number }[]>`
        SELECT c."id" FROM "Customer" c
        WHERE c."deidentifiedAt" IS NULL AND c."lastInboundAt" < ${cutoff}
          AND EXISTS (SELECT 1 FROM "Complaint" o WHERE o."customerId" = c."id")
          AND NOT EXISTS (SELECT 1 FROM "Complaint" o WHERE o."customerId" = c."id" AND o."deidentifiedAt" IS NULL)
        ORDER BY c."id" LIMIT ${size} FOR UPDATE SKIP LOCKED`;
      if (!quiet.length) return null;
      return deidentifyPersonalData(tx, { complaintIds: [], customerIds: quiet.map((r) => r.id), at: now, actor: SYSTEM_RETENTION_ACTOR, reason: 'retention' });
    });
    if (!result) break;
    total.batches++;
    total.customers += result.customers;
    if (result.customers < size) break;
  }
  if (opts.slot) await finishJobSlot(ctx.db, opts.slot, ctx.now());
  if (total.complaints) ctx.log.info({ cutoff: cutoff.toISOString(), complaints: total.complaints, customers: total.customers, batches: total.batches }, 'retention: personal data de-identified');
  return total;
}
