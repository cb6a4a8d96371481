/**
 * Simulated time (the sandbox's clock) drives the production scheduler: every slot it passes runs once,
 * in time order, with the clock at the slot, through the (job, slot) claim. The messages it produces are
 * exactly those of a scheduler ticking at every slot (the reference run below), although the SLA sweep's
 * empty slots are skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { testContext, TestClock } from '../support/context.ts';
import type { Database } from '../../src/store/database.ts';
import { JobScheduler, type JobDefinition } from '../../src/jobs/scheduler.ts';
import { botJobs, SLA_SWEEP_JOB } from '../../src/jobs/jobs.ts';
import { lastSlotAt } from '../../src/jobs/slots.ts';
import { SimulatedTicks } from '../../src/jobs/simulated-ticks.ts';
import { WEEKLY_DIGEST_JOB } from '../../src/app/reports/send-weekly-digest.ts';
import { formatLocalTime } from '../../src/app/shared/format.ts';
import { acceptAt, fileAt, sh, type Ctx } from './support.ts';

const TZ = 'Asia/Shanghai';

/** A TestClock that only moves forward, as the sandbox clock does. */
function forwardClock(clock: TestClock) {
  return {
    now: clock.now,
    moveTo(at: Date) {
      if (at > clock.current) clock.current = at;
    },
  };
}

describe('simulated ticks', () => {
  it('runs each slot once, in time order, with the clock at the slot; a job with no work skips its slots', async () => {
    const [kind] = testDatabases();
    const database = await kind!.open();
    try {
      const ctx = await testContext(database, new TestClock(sh('2026-11-27 23:50'))); // Friday
      const ran: string[] = [];
      const job = (name: string, schedule: JobDefinition['schedule'], idleUntil?: () => Promise<Date | null>): JobDefinition => ({
        name,
        schedule,
        catchUp: false,
        ...(idleUntil ? { idleUntil } : {}),
        run: async (slot) => void ran.push(`${name} ${formatLocalTime(slot.scheduledAt, TZ)} at ${formatLocalTime(ctx.now(), TZ)}`),
      });
      let wakeAt: Date | null = sh('2026-11-30 08:59');
      const scheduler = new JobScheduler(ctx, [
        job('every-15', { kind: 'every', minutes: 15 }, async () => wakeAt),
        job('weekly', { kind: 'weekly', weekday: 1, at: '09:00' }),
        job('monthly', { kind: 'monthly', dayOfMonth: 1, at: '09:00' }),
      ]);
      const ticks = new SimulatedTicks(scheduler, forwardClock(ctx.clock), { timeZone: TZ, settle: async () => void (wakeAt = null) });
      expect(await ticks.advanceTo(sh('2026-12-01 09:00'))).toBe(3);
      expect(ran).toEqual(['every-15 2026-11-30 09:00 at 2026-11-30 09:00', 'weekly 2026-11-30 09:00 at 2026-11-30 09:00', 'monthly 2026-12-01 09:00 at 2026-12-01 09:00']);
      expect(ctx.now()).toEqual(sh('2026-12-01 09:00'));
      expect(await ticks.advanceTo(sh('2026-12-01 08:00'))).toBe(0); // never back
      expect(ctx.now()).toEqual(sh('2026-12-01 09:00'));
    } finally {
      await database.close();
    }
  });
});

describe.each(testDatabases())('simulated ticks against a scheduler ticking every slot, on $name', (kind) => {
  const databases: Database[] = [];
  const runs: { texts: string[]; sweeps: number; digests: string[] }[] = [];

  /** Two complaints on Monday; one never accepted (reminders, escalations), one accepted late. */
  async function scenario(drive: (ctx: Ctx, scheduler: JobScheduler, to: Date) => Promise<void>) {
    const database = await kind.open();
    databases.push(database);
    const ctx = await testContext(database, new TestClock(sh('2026-11-23 08:00')));
    ctx.config.jobs.sweepEveryMinutes = 5;
    ctx.config.jobs.closeUnratedEveryMinutes = 15;
    const scheduler = new JobScheduler(ctx, botJobs(ctx));
    await scheduler.catchUp();
    await drive(ctx, scheduler, sh('2026-11-23 10:00'));
    const c = await fileAt(ctx, '2026-11-23 10:00', 'network');
    await fileAt(ctx, '2026-11-23 10:00', 'quality');
    await drive(ctx, scheduler, sh('2026-11-23 15:00'));
    await acceptAt(ctx, '2026-11-23 15:00', c.id, 'ou_tech_agent_1');
    await drive(ctx, scheduler, sh('2026-11-30 09:30'));
    const rows = await ctx.db.outboxMessage.findMany({ where: { channel: 'feishu' }, orderBy: { id: 'asc' } });
    return {
      texts: rows.filter((r) => r.kind === 'text').map((r) => `${formatLocalTime(r.createdAt, TZ)} ${r.target} ${(r.payload as { text: string }).text}`),
      sweeps: await ctx.db.jobRun.count({ where: { job: SLA_SWEEP_JOB } }),
      digests: (await ctx.db.jobRun.findMany({ where: { job: WEEKLY_DIGEST_JOB } })).map((r) => r.slot),
    };
  }

  beforeAll(async () => {
    // the reference: node-cron's behaviour, a tick at every slot of every job
    runs.push(
      await scenario(async (ctx, scheduler, to) => {
        const step = 5 * 60_000;
        for (let t = Math.floor(ctx.now().getTime() / step) * step + step; t <= to.getTime(); t += step) {
          ctx.clock.current = new Date(t);
          for (const job of scheduler.jobs) if (lastSlotAt(job.schedule, ctx.now(), TZ).getTime() === t) await scheduler.runDue(job.name);
        }
        ctx.clock.current = to;
      }),
    );
    let ticks: SimulatedTicks | undefined;
    runs.push(
      await scenario(async (ctx, scheduler, to) => {
        ticks ??= new SimulatedTicks(scheduler, forwardClock(ctx.clock), { timeZone: TZ });
        await ticks.advanceTo(to);
      }),
    );
  }, 300_000);
  afterAll(async () => Promise.all(databases.map((d) => d.close())));

  it('produces the same reminders, escalations and digest, at the same minutes', () => {
    const [reference, simulated] = runs;
    expect(reference!.texts.length).toBeGreaterThan(3);
    expect(simulated!.texts).toEqual(reference!.texts);
    expect(simulated!.digests).toEqual(['2026-11-23T01:00Z', '2026-11-30T01:00Z']); // both Mondays 09:00 the week passed
    expect(reference!.digests).toEqual(simulated!.digests);
  });

  it('runs only the sweep slots that have work', () => {
    const [reference, simulated] = runs;
    expect(simulated!.sweeps).toBeLessThan(reference!.sweeps / 10);
  });
});
