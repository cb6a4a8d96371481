/**
 * Exactly-once scheduled runs across instances: a run first inserts its (job, slot) row; the instance
 * whose insert went in runs the slot, every other one sees the conflict and does nothing. Reports claim
 * inside the transaction that queues their messages, so a run that crashes claims nothing.
 */
import type { Db, Tx } from '../../store/database.ts';

export interface JobSlot {
  job: string;
  /** the slot's scheduled instant as ISO-8601 UTC to the minute, e.g. 2026-11-23T01:00Z */
  id: string;
  scheduledAt: Date;
  /** made up after downtime, long after its time: the report says so */
  late: boolean;
  /** a cron tick, or the run every job gets when an instance starts */
  reason: 'schedule' | 'startup';
}

export function slotId(at: Date): string {
  return `${at.toISOString().slice(0, 16)}Z`;
}

/** True when this caller won the slot. */
export async function claimJobSlot(tx: Tx | Db, slot: Pick<JobSlot, 'job' | 'id'>, at: Date): Promise<boolean> {
  const rows = await tx.$queryRaw<{ job: string }[]>`
    INSERT INTO "JobRun" ("job", "slot", "startedAt") VALUES (${slot.job}, ${slot.id}, ${at})
    ON CONFLICT ("job", "slot") DO NOTHING RETURNING "job"`;
  return rows.length === 1;
}

export async function finishJobSlot(tx: Tx | Db, slot: Pick<JobSlot, 'job' | 'id'>, at: Date): Promise<void> {
  await tx.$executeRaw`UPDATE "JobRun" SET "finishedAt" = ${at} WHERE "job" = ${slot.job} AND "slot" = ${slot.id}`;
}

export async function isSlotClaimed(db: Db, slot: Pick<JobSlot, 'job' | 'id'>): Promise<boolean> {
  return (await db.jobRun.count({ where: { job: slot.job, slot: slot.id } })) > 0;
}

/** Removes a frequent job's old slot rows (slot ids sort by time). */
export async function pruneJobSlots(db: Db, job: string, before: Date): Promise<number> {
  return db.$executeRaw`DELETE FROM "JobRun" WHERE "job" = ${job} AND "slot" < ${slotId(before)}`;
}

/**
 * When the scheduler first ran in this database (the first instance to start records it). Runs missed
 * before then were never due, so a fresh installation makes nothing up.
 */
export async function schedulerInstalledAt(db: Db, now: Date): Promise<Date> {
  await db.$executeRaw`INSERT INTO "JobRun" ("job", "slot", "startedAt") VALUES ('scheduler', 'installed', ${now}) ON CONFLICT ("job", "slot") DO NOTHING`;
  const row = await db.jobRun.findUniqueOrThrow({ where: { job_slot: { job: 'scheduler', slot: 'installed' } } });
  return row.startedAt;
}
