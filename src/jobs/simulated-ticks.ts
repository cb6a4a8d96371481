/**
 * Drives the JobScheduler from a simulated clock instead of node-cron (the sandbox's moving time). Every
 * slot that simulated time passes runs once, in time order, with the clock set to the slot's instant,
 * through the same `runDue` → use case → (job, slot) claim as a cron tick. After each slot the caller's
 * `settle` delivers what it queued, as the outbox would within seconds in a running bot.
 *
 * A frequent job (the SLA sweep, closing unrated complaints) may tell when it next has work
 * (`idleUntil`): its slots before that would only claim a slot and find nothing, so they are not run.
 * That keeps a jump of a week (10,080 one-minute sweep slots) to the handful of slots that act.
 */
import type { JobDefinition, JobScheduler } from './scheduler.ts';
import { lastSlotAt, nextSlotAt, type Schedule } from './slots.ts';

export interface SimulatedClock {
  now(): Date;
  /** moves simulated time forward to `at` (never back) */
  moveTo(at: Date): void;
}

/** The first slot at or after `at`. */
function slotAtOrAfter(s: Schedule, at: Date, timeZone: string): Date {
  const last = lastSlotAt(s, at, timeZone);
  return last.getTime() === at.getTime() ? last : nextSlotAt(s, at, timeZone);
}

export class SimulatedTicks {
  /** every slot at or before this instant has been run */
  private covered: Date;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly scheduler: JobScheduler,
    private readonly clock: SimulatedClock,
    private readonly opts: { timeZone: string; settle?: () => Promise<void>; onError?: (error: unknown) => void },
  ) {
    this.covered = clock.now();
  }

  /** Runs the slots that flowing time passes, checking every `everyMs` of real time. */
  start(everyMs = 1000): void {
    this.timer = setInterval(() => {
      this.advanceTo(this.clock.now()).catch((error: unknown) => this.opts.onError?.(error));
    }, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.queue.catch(() => undefined);
  }

  /** Moves the clock to `target`, running every slot on the way; resolves with the slots run. One move at a time. */
  advanceTo(target: Date): Promise<number> {
    const run = this.queue.then(() => this.run(target));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(target: Date): Promise<number> {
    const { timeZone } = this.opts;
    const jobs = this.scheduler.jobs;
    const next = new Map<JobDefinition, Date>(jobs.map((job) => [job, nextSlotAt(job.schedule, this.covered, timeZone)]));
    let ran = 0;
    for (;;) {
      let pick: { job: JobDefinition; at: Date } | undefined;
      for (const job of jobs) {
        let at = next.get(job)!;
        if (job.idleUntil) {
          const hint = await job.idleUntil();
          if (!hint) continue;
          if (hint > at) at = slotAtOrAfter(job.schedule, hint, timeZone);
        }
        if (at <= target && (!pick || at < pick.at)) pick = { job, at };
      }
      if (!pick) break;
      this.clock.moveTo(pick.at);
      await this.scheduler.runDue(pick.job.name, pick.at);
      await this.opts.settle?.();
      next.set(pick.job, nextSlotAt(pick.job.schedule, pick.at, timeZone));
      ran += 1;
    }
    this.clock.moveTo(target);
    if (target > this.covered) this.covered = target;
    return ran;
  }
}
