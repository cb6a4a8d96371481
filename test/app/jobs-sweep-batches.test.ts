/**
 * The SLA sweep's shape, not its texts (jobs-reminders.test.ts has those): a new complaint gets its real
 * first due (not 1970), so sweeping right after filing does nothing; the sweep's round trips do not grow
 * with the number of complaints due (set-based batches); and only one sweep runs at a time — in this
 * process, and across instances through the lease row.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countingDatabases, type RoundTripCounter } from '../support/round-trips.ts';
import { testContext } from '../support/context.ts';
import type { Database } from '../../src/store/database.ts';
import { sweepSlaClocks } from '../../src/app/sla/sweep-sla-clocks.ts';
import { fileAt, sh, type Ctx } from '../jobs/support.ts';

for (const kind of countingDatabases()) {
  describe(`SLA sweep batches (${kind.name})`, () => {
    let database: Database;
    let counter: RoundTripCounter;
    let ctx: Ctx;
    beforeAll(async () => {
      ({ database, counter } = await kind.open());
      ctx = await testContext(database);
    });
    afterAll(() => database.close());
    // each test looks only at its own complaints: the earlier ones are parked
    beforeEach(async () => {
      await ctx.db.$executeRaw`UPDATE "Complaint" SET "nextDueAt" = NULL`;
    });

    it('a general complaint filed in working hours is first due at its first reminder, so the next sweep leaves it alone', async () => {
      const c = await fileAt(ctx, '2026-11-23 10:00', 'service');
      expect(c.nextDueAt).toEqual(sh('2026-11-23 11:30')); // 75 % of the 2-hour accept clock
      ctx.clock.current = sh('2026-11-23 10:01');
      const counts = await sweepSlaClocks(ctx);
      expect(counts.complaints).toBe(0);
      // an important one is due at once: its supervisor is told at the next sweep
      const important = await fileAt(ctx, '2026-11-23 10:02', 'quality');
      expect(important.nextDueAt).toEqual(sh('2026-11-23 10:02'));
      ctx.clock.current = sh('2026-11-23 10:03');
      expect((await sweepSlaClocks(ctx)).supervisorAlerts).toBe(1);
    });

    it('sends 10 or 40 reminders with the same number of round trips per batch', async () => {
      const costs: number[] = [];
      for (const [n, day] of [[10, '2026-11-24'], [40, '2026-11-25']] as const) {
        await ctx.db.$executeRaw`UPDATE "Complaint" SET "nextDueAt" = NULL`;
        for (let i = 0; i < n; i++) await fileAt(ctx, `${day} 10:00`, 'service');
        ctx.clock.current = sh(`${day} 11:30`);
        let reminders = 0;
        costs.push(await counter.during(async () => (reminders = (await sweepSlaClocks(ctx, { batchSize: 50 })).reminders)));
        expect(reminders).toBe(n);
      }
      // lease, one batch (BEGIN, rows, 2 fact queries, notices, texts, schedule, COMMIT), lease released
      expect(costs[0], counter.describe()).toBeLessThanOrEqual(12);
      expect(costs[1]).toBe(costs[0]);
    });

    it('escalates 10 or 40 complaints whose accept clock ran out with the same number of round trips, each once, with its audit event, message and card', async () => {
      const costs: number[] = [];
      for (const [n, day] of [[10, '2026-11-30'], [40, '2026-12-01']] as const) {
        await ctx.db.$executeRaw`UPDATE "Complaint" SET "nextDueAt" = NULL`;
        const filed = [];
        for (let i = 0; i < n; i++) filed.push(await fileAt(ctx, `${day} 10:00`, 'service'));
        ctx.clock.current = sh(`${day} 12:01`); // the 2-hour accept clock ran out at 12:00
        let counts = { escalations: 0, reminders: 0 };
        costs.push(await counter.during(async () => (counts = await sweepSlaClocks(ctx, { batchSize: 50 }))));
        expect(counts.escalations).toBe(n);
        const ids = filed.map((c) => c.id);
        const rows = await ctx.db.complaint.findMany({ where: { id: { in: ids } } });
        expect(rows.every((r) => r.escalationTier === 1 && r.escalationDueAt !== null && r.nextDueAt !== null && r.nextDueAt > ctx.clock.current)).toBe(true);
        expect(await ctx.db.complaintEvent.count({ where: { complaintId: { in: ids }, type: 'escalate', actor: 'system' } })).toBe(n);
        const texts = await ctx.db.outboxMessage.findMany({ where: { complaintId: { in: ids }, kind: 'text', createdAt: ctx.clock.current } });
        expect(texts.filter((m) => JSON.stringify(m.payload).includes('升级')).length).toBeGreaterThanOrEqual(n);
        expect(await ctx.db.outboxMessage.count({ where: { complaintId: { in: ids }, kind: { in: ['card.patch', 'card.send'] }, createdAt: ctx.clock.current } })).toBe(n);
        // a second sweep at the same minute finds nothing left to do
        expect((await sweepSlaClocks(ctx)).escalations).toBe(0);
      }
      expect(costs[0], counter.describe()).toBeLessThanOrEqual(16);
      expect(costs[1]).toBe(costs[0]);
    });

    it('upgrades 10 or 40 month-old complaints (and escalates them) with the same number of round trips, each once', async () => {
      const costs: number[] = [];
      for (const [n, day, month] of [[10, '2026-10-12', '2026-11-12'], [40, '2026-10-13', '2026-11-13']] as const) {
        await ctx.db.$executeRaw`UPDATE "Complaint" SET "nextDueAt" = NULL`;
        const filed = [];
        for (let i = 0; i < n; i++) filed.push(await fileAt(ctx, `${day} 10:00`, 'service'));
        const ids = filed.map((c) => c.id);
        // a month later, parked until then (their earlier clocks are not what this test looks at)
        await ctx.db.$executeRaw`UPDATE "Complaint" SET "nextDueAt" = ${sh(`${month} 10:00`)} WHERE "id" = ANY(${ids}::int[])`;
        ctx.clock.current = sh(`${month} 10:00`);
        let counts = { upgrades: 0, escalations: 0 };
        costs.push(await counter.during(async () => (counts = await sweepSlaClocks(ctx, { batchSize: 50 }))));
        expect(counts.upgrades).toBe(n);
        expect(counts.escalations).toBe(n); // the major deadlines are past: one tier up at once
        const rows = await ctx.db.complaint.findMany({ where: { id: { in: ids } } });
        expect(rows.map((r) => [r.severity, r.nextDueAt === null || r.nextDueAt > ctx.clock.current])).toEqual(rows.map(() => ["major", true]));
        expect(await ctx.db.complaintEvent.count({ where: { complaintId: { in: ids }, type: 'change_classification', actor: 'system' } })).toBe(n);
        const texts = await ctx.db.outboxMessage.findMany({ where: { complaintId: { in: ids }, kind: 'text', createdAt: ctx.clock.current } });
        expect(texts.filter((m) => JSON.stringify(m.payload).includes('已自动升级为重大投诉')).length).toBe(n);
        expect((await sweepSlaClocks(ctx)).upgrades).toBe(0);
      }
      expect(costs[0], counter.describe()).toBeLessThanOrEqual(20);
      expect(costs[1]).toBe(costs[0]);
    });

    it('never runs two sweeps at once: a second call while one runs, or while another instance holds the lease, does nothing', async () => {
      for (let i = 0; i < 3; i++) await fileAt(ctx, '2026-11-26 10:00', 'service');
      ctx.clock.current = sh('2026-11-26 11:30');
      const [a, b] = await Promise.all([sweepSlaClocks(ctx), sweepSlaClocks(ctx)]);
      expect([a.skipped ?? false, b.skipped ?? false].sort()).toEqual([false, true]);
      expect(a.reminders + b.reminders).toBe(3);

      // another instance's sweep holds the lease (started a minute ago): this one waits its turn
      for (let i = 0; i < 2; i++) await fileAt(ctx, '2026-11-27 10:00', 'service');
      ctx.clock.current = sh('2026-11-27 11:30');
      await ctx.db.jobRun.update({ where: { job_slot: { job: 'sla-sweep-lease', slot: 'lease' } }, data: { startedAt: sh('2026-11-27 11:29'), finishedAt: null } });
      expect(await sweepSlaClocks(ctx)).toMatchObject({ skipped: true, reminders: 0 });
      // a lease not renewed for over two minutes belongs to an instance that died: taken over
      ctx.clock.current = sh('2026-11-27 11:32');
      expect(await sweepSlaClocks(ctx)).toMatchObject({ reminders: 2 });
    });
  });
}
