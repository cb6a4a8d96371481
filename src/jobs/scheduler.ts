/**
 * Runs the jobs with node-cron in the company's time zone. Every run is for one slot (the scheduled
 * instant) and the use case claims that slot in the database, so with several instances each slot runs
 * once. At start, each job's latest slot is made up if nobody ran it (the bot was down) — only slots
 * after the scheduler was first installed, and only the latest one; a run long after its slot is `late`.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { AppContext } from '../app/shared/context.ts';
import { schedulerInstalledAt, slotId, type JobSlot } from '../app/shared/claim-job-slot.ts';
import { cronExpression, lastSlotAt, type Schedule } from './slots.ts';

export interface JobDefinition {
  name: string;
  schedule: Schedule;
  /** make up the latest slot at start when nobody ran it (reports); otherwise the job just runs at start */
  catchUp: boolean;
  /** runs the slot; the use case claims it, so a slot another instance ran does nothing */
  run(slot: JobSlot): Promise<unknown>;
  /** When the job next has work (null: none until something changes); lets simulated time skip its empty slots. */
  idleUntil?(): Promise<Date | null>;
}

export class JobScheduler {
  private tasks: ScheduledTask[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly busy = new Set<string>();
  /** the slot each job last ran in this instance: a second tick in the same slot does not even ask the database */
  private readonly lastSlot = new Map<string, string>();
  /** when the scheduler was first installed in this database (known after catchUp): older slots were never due */
  private installedAt: Date | null = null;
  private stopped = true;

  constructor(
    private readonly ctx: AppContext,
    readonly jobs: JobDefinition[],
  ) {}

  /** The slot of `job` that is due at `at` (the latest at or before it). */
  slotFor(job: JobDefinition, at: Date = this.ctx.now(), reason: JobSlot['reason'] = 'schedule'): JobSlot {
    const scheduledAt = lastSlotAt(job.schedule, at, this.ctx.calendar.timeZone);
    const late = at.getTime() - scheduledAt.getTime() > this.ctx.config.jobs.lateAfterMinutes * 60_000;
    return { job: job.name, id: slotId(scheduledAt), scheduledAt, late, reason };
  }

  /** Runs a job's current slot now (also what each cron tick does). Overlapping runs of one job in one instance are skipped. */
  async runDue(name: string, at: Date = this.ctx.now(), reason: JobSlot['reason'] = 'schedule'): Promise<unknown> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`unknown job ${name}`);
    const slot = this.slotFor(job, at, reason);
    if (this.busy.has(name) || (reason === 'schedule' && this.lastSlot.get(name) === slot.id)) return undefined;
    if (job.catchUp && this.installedAt && slot.scheduledAt.getTime() < this.installedAt.getTime()) return undefined;
    this.busy.add(name);
    const lagSeconds = (this.ctx.now().getTime() - slot.scheduledAt.getTime()) / 1000;
    const run = job
      .run(slot)
      .then((result) => {
        this.lastSlot.set(name, slot.id);
        // null / false: another instance had the slot
        this.ctx.metrics?.jobRun(name, result === null || result === false ? 'skipped' : 'ran', lagSeconds);
        return result;
      })
      .catch((error: unknown) => {
        this.ctx.log.error({ err: error, job: name, slot: slot.id }, 'scheduled job failed');
        this.ctx.metrics?.jobRun(name, 'failed', lagSeconds);
        return undefined;
      })
      .finally(() => {
        this.busy.delete(name);
        this.inFlight.delete(run);
      });
    this.inFlight.add(run);
    return run;
  }

  /** At start: makes up each report's latest slot if nobody ran it since the scheduler was installed; runs the others once. */
  async catchUp(): Promise<void> {
    const now = this.ctx.now();
    this.installedAt = await schedulerInstalledAt(this.ctx.db, now);
    for (const job of this.jobs) await this.runDue(job.name, now, 'startup');
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.catchUp();
    if (this.stopped) return;
    for (const job of this.jobs) {
      const task = cron.schedule(
        cronExpression(job.schedule),
        () => {
          if (!this.stopped) void this.runDue(job.name);
        },
        { name: `complaint-bot:${job.name}`, timezone: this.ctx.calendar.timeZone, noOverlap: false },
      );
      this.tasks.push(task);
    }
    this.ctx.log.info({ jobs: this.jobs.map((j) => ({ job: j.name, cron: cronExpression(j.schedule) })), timeZone: this.ctx.calendar.timeZone }, 'scheduled jobs started');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const task of this.tasks) await task.destroy();
    this.tasks = [];
    await Promise.all([...this.inFlight]);
  }
}
