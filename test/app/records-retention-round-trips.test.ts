/**
 * The retention job is set-based: de-identifying 10 or 40 complaints (and their customers) costs the same
 * statements — a fixed handful per batch — on PGlite and PostgreSQL (round trips counted by the driver
 * adapter, test/support/round-trips.ts). Counts, not timings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingDatabases, type RoundTripCounter } from '../support/round-trips.ts';
import { testContext, TestClock } from '../support/context.ts';
import type { Database } from '../../src/store/database.ts';
import { applyRetention } from '../../src/app/records/apply-retention.ts';
import { seedReportFixtures } from '../jobs/report-fixtures.ts';
import { sh } from '../jobs/support.ts';

/**
 * One batch of Telegram customers: BEGIN, select the due, the complaints, events, attachments, tasks, sent
 * messages, audit events, customers, their update, conversations, rate counters, messages to their chats,
 * the access-log line, COMMIT (15; WeChat customers add their kept pushes); then BEGIN, the look for
 * customers quiet since their last complaint went, COMMIT.
 */
const BUDGET = 18;

for (const kind of countingDatabases()) {
  describe(`retention round trips (${kind.name})`, () => {
    let database: Database;
    let counter: RoundTripCounter;
    let ctx: Awaited<ReturnType<typeof testContext>>;
    let template: Record<string, unknown>;
    let seq = 0;
    beforeAll(async () => {
      ({ database, counter } = await kind.open());
      ctx = await testContext(database, new TestClock(sh('2026-12-01 09:00')));
      const numbers = await seedReportFixtures(ctx);
      const { id: _id, number: _n, customerId: _c, ...rest } = await ctx.db.complaint.findUniqueOrThrow({ where: { id: numbers.c1!.id } });
      template = rest;
      // the fixtures' closed complaints go first, so each measured run sees only its own
      ctx.clock.current = sh('2031-01-01 03:00');
      await applyRetention(ctx);
    });
    afterAll(() => database.close());

    async function closedComplaints(n: number): Promise<void> {
      for (let i = 0; i < n; i++) {
        const k = ++seq;
        const customer = await ctx.db.customer.create({ data: { platform: 'telegram', platformUserId: `rt-${k}`, chatId: `rt-${k}`, displayName: `Customer ${k}`, phone: '13812345678' } });
        const c = await ctx.db.complaint.create({ data: { ...(template as object), number: `RT-20260000-${String(k).padStart(4, '0')}`, customerId: customer.id, address: 'somewhere' } as never });
        await ctx.db.complaintEvent.create({ data: { complaintId: c.id, type: 'customer_message', actor: `telegram:rt-${k}`, actorName: `Customer ${k}`, data: { text: 'hello' }, at: sh('2026-11-23 12:00') } });
        await ctx.db.attachment.create({ data: { complaintId: c.id, platform: 'telegram', fileId: `file-${k}`, kind: 'photo' } });
      }
    }

    it('10 and 40 complaints cost the same statements', async () => {
      await closedComplaints(10);
      const ten = await counter.during(() => applyRetention(ctx));
      const tenStatements = counter.describe();
      await closedComplaints(40);
      const forty = await counter.during(() => applyRetention(ctx));
      expect(forty, counter.describe()).toBe(ten);
      expect(ten, tenStatements).toBeLessThanOrEqual(BUDGET);
      expect(await ctx.db.customer.count({ where: { platformUserId: { startsWith: 'rt-' } } })).toBe(0);
      expect(await ctx.db.complaint.count({ where: { number: { startsWith: 'RT-' }, deidentifiedAt: null } })).toBe(0);
    });
  });
}
