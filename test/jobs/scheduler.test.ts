/**
 * The scheduler: exactly once per slot with three instances racing, catch-up after downtime (once, late,
 * only the latest slot), nothing made up on a fresh installation, and node-cron start/stop.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/store/database.ts';
import { freshPostgresUrl, testDatabases } from '../support/databases.ts';
import { testContext, TestClock } from '../support/context.ts';
import { JobScheduler } from '../../src/jobs/scheduler.ts';
import { botJobs, SLA_SWEEP_JOB } from '../../src/jobs/jobs.ts';
import { WEEKLY_DIGEST_JOB } from '../../src/app/reports/send-weekly-digest.ts';
import { MONTHLY_SUMMARY_JOB } from '../../src/app/reports/send-monthly-summary.ts';
import { sweepSlaClocks } from '../../src/app/sla/sweep-sla-clocks.ts';
import { feishuTexts, fileAt, sh, type Ctx } from './support.ts';

interface Instances {
  contexts: Ctx[];
  close(): Promise<void>;
}

/** Three instances of the bot on one database: on PostgreSQL each with its own connection pool; PGlite is one process, shared. */
async function threeInstances(kind: string, clock: TestClock): Promise<Instances> {
  if (kind === 'postgresql') {
    const fresh = (await freshPostgresUrl())!;
    const dbs: Database[] = [];
    for (let i = 0; i < 3; i++) dbs.push(await openDatabase({ url: fresh.url }));
    await dbs[0]!.migrate();
    const contexts: Ctx[] = [];
    for (const db of dbs) contexts.push(await testContext(db, clock));
    return {
      contexts,
      async close() {
        for (const db of dbs) await db.close();
        await fresh.drop();
      },
    };
  }
  const db = await testDatabases()[0]!.open();
  const contexts: Ctx[] = [];
  for (let i = 0; i < 3; i++) contexts.push(await testContext(db, clock));
  return { contexts, close: () => db.close() };
}

describe.each(testDatabases())('scheduled jobs on $name', (kind) => {
  let instances: Instances;
  let clock: TestClock;
  let schedulers: JobScheduler[];
  beforeAll(async () => {
    clock = new TestClock(sh('2026-11-16 08:00'));
    instances = await threeInstances(kind.name, clock);
    schedulers = instances.contexts.map((ctx) => new JobScheduler(ctx, botJobs(ctx)));
  });
  afterAll(async () => instances?.close());
  const ctx = () => instances.contexts[0]!;
  const cards = (target: string) => ctx().db.outboxMessage.findMany({ where: { kind: 'card.raw', target }, orderBy: { id: 'asc' } });

  it('a fresh installation makes nothing up: the slot before it was installed was never due', async () => {
    await schedulers[0]!.catchUp(); // Monday 08:00: last digest slot (Monday 11-09 09:00) is before installation
    expect(await cards('oc_managers_group')).toEqual([]);
    expect(await ctx().db.jobRun.findUnique({ where: { job_slot: { job: 'scheduler', slot: 'installed' } } })).toMatchObject({ startedAt: sh('2026-11-16 08:00') });
  });

  it('three instances racing on one slot: the digest is posted once', async () => {
    clock.current = sh('2026-11-16 09:00');
    await Promise.all(schedulers.map((s) => s.runDue(WEEKLY_DIGEST_JOB)));
    const posted = await cards('oc_managers_group');
    expect(posted).toHaveLength(1);
    expect(await ctx().db.jobRun.count({ where: { job: WEEKLY_DIGEST_JOB } })).toBe(1);
    const run = await ctx().db.jobRun.findFirstOrThrow({ where: { job: WEEKLY_DIGEST_JOB } });
    expect(run.slot).toBe('2026-11-16T01:00Z');
    expect(run.finishedAt).not.toBeNull();
    // ticks later in the same slot change nothing
    clock.current = sh('2026-11-16 09:07');
    await Promise.all(schedulers.map((s) => s.runDue(WEEKLY_DIGEST_JOB)));
    expect(await cards('oc_managers_group')).toHaveLength(1);
  });

  it('three sweeps racing: every reminder and escalation happens once', async () => {
    const filed = [];
    for (let i = 0; i < 6; i++) filed.push(await fileAt(ctx(), '2026-11-16 10:00', i % 2 ? 'service' : 'other'));
    const ids = filed.map((c) => c.id);
    // 11:30: six accept reminders due; three instances sweep the same minute and the next one at once
    clock.current = sh('2026-11-16 11:30');
    await Promise.all([...schedulers.map((s) => s.runDue(SLA_SWEEP_JOB)), ...instances.contexts.map((c) => sweepSlaClocks(c))]);
    let texts = (await feishuTexts(ctx())).filter((t) => ids.includes(t.complaintId!));
    expect(texts).toHaveLength(6);
    clock.current = sh('2026-11-16 12:00');
    await Promise.all([...schedulers.map((s) => s.runDue(SLA_SWEEP_JOB)), ...instances.contexts.map((c) => sweepSlaClocks(c))]);
    expect(await ctx().db.complaintEvent.count({ where: { complaintId: { in: ids }, type: 'escalate' } })).toBe(6);
    texts = (await feishuTexts(ctx())).filter((t) => ids.includes(t.complaintId!));
    expect(texts).toHaveLength(12);
    expect(await ctx().db.slaNotice.count({ where: { complaintId: { in: ids } } })).toBe(12);
  });

  it('after downtime the latest missed slot is made up once, saying it is late; older ones are not', async () => {
    // The bot was down from Monday 11-16 12:00 until Wednesday 12-02 10:00: digests of 11-23 and 11-30, summary of 12-01 missed.
    clock.current = sh('2026-12-02 10:00');
    await Promise.all(schedulers.map((s) => s.catchUp()));
    const digests = await cards('oc_managers_group');
    const titles = digests.map((r) => (r.payload as { card: { header: { title: { content: string }; template: string } } }).card.header);
    const weekly = titles.filter((h) => h.title.content.includes('周报'));
    expect(weekly.map((h) => h.title.content)).toEqual(['示例科技有限公司 投诉周报 2026-W46', '示例科技有限公司 投诉周报 2026-W48']);
    expect(weekly[1]!.template).toBe('orange');
    const late = digests.find((r) => JSON.stringify(r.payload).includes('2026-W48'))!;
    expect(JSON.stringify(late.payload)).toContain('本报告应于 2026-11-30 09:00 发送');
    expect(await ctx().db.jobRun.findMany({ where: { job: WEEKLY_DIGEST_JOB }, select: { slot: true }, orderBy: { slot: 'asc' } })).toEqual([{ slot: '2026-11-16T01:00Z' }, { slot: '2026-11-30T01:00Z' }]);
    // the monthly summary of 12-01 09:00 is made up too: one card per department and one for the managers
    expect(await ctx().db.jobRun.count({ where: { job: MONTHLY_SUMMARY_JOB } })).toBe(1);
    expect(titles.filter((h) => h.title.content.includes('月度汇总'))).toHaveLength(1);
    expect((await cards('oc_cs_group')).length).toBe(1);
    // another restart makes nothing up again
    await schedulers[1]!.catchUp();
    expect(await cards('oc_managers_group')).toHaveLength(digests.length);
  });

  describe('node-cron', () => {
    let running: JobScheduler | undefined;
    afterEach(async () => running?.stop());

    it('starts the cron tasks in the configured time zone and stops cleanly', async () => {
      const real = { ...ctx(), now: () => new Date() };
      running = new JobScheduler(real, botJobs(real));
      await running.start();
      const tasks = (running as unknown as { tasks: { getNextRun(): Date | null; getPattern(): string; getStatus(): string }[] }).tasks;
      expect(tasks.map((t) => t.getPattern())).toEqual(['* * * * *', '0 9 * * 1', '0 9 1 * *', '0 9 4 * *', '*/15 * * * *', '0 9 * * *', '0 3 * * *', '30 3 * * *', '30 9 * * *', '0 10 * * *']);
      const nextDigest = tasks[1]!.getNextRun()!;
      expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(nextDigest)).toBe('Mon 09:00');
      await running.stop();
      expect(tasks.map((t) => t.getStatus())).toEqual(Array(10).fill('destroyed'));
      running = undefined;
    });
  });
});
