/**
 * Round trips per path: every statement a path sends waits for the one before, so their count is what
 * a customer waits for (and what the database pays) when hundreds write at once. Counts, not timings:
 * raising a budget is a decision, not noise. BEGIN and COMMIT count (see test/support/round-trips.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingDatabases, type RoundTripCounter } from '../support/round-trips.ts';
import { testContext } from '../support/context.ts';
import type { Database } from '../../src/store/database.ts';
import type { CustomerInbound } from '../../src/app/shared/inbound.ts';
import { loadComplaintView } from '../../src/app/complaints/complaint-view.ts';
import { lastText, say, staffDoes } from './customer-conversation.ts';

/** The budgets: what a path may cost at most. */
const BUDGET = {
  /** a typed answer in the filing conversation: BEGIN, the event + customer + conversation, the draft, the answer, COMMIT */
  plainMessage: 5,
  /** a redelivered update: BEGIN, the event (already seen), COMMIT */
  redelivery: 3,
  /** the confirm that registers the complaint */
  confirm: 10,
  /** a staff member's click on a card (accept) and the card rendered for the answer */
  cardClick: 19,
  /** the whole guided filing, ten messages */
  filing: 58,
};

const STEPS: Partial<CustomerInbound>[] = [
  { text: '/complain' },
  { button: 'cat:service' },
  { text: 'The courier of order 5521' },
  { text: 'The courier was rude at the door.' },
  { button: 'when:today' },
  { text: 'An apology' },
  { button: 'skip' },
  { button: 'skip' },
  { button: 'done' },
];

for (const kind of countingDatabases()) {
  describe(`round trips per path (${kind.name})`, () => {
    let database: Database;
    let counter: RoundTripCounter;
    let ctx: Awaited<ReturnType<typeof testContext>>;
    beforeAll(async () => {
      ({ database, counter } = await kind.open());
      ctx = await testContext(database);
    });
    afterAll(() => database.close());

    it('a typed answer in the filing conversation, the confirm, and the whole filing stay within their budgets', async () => {
      const counts: number[] = [];
      for (const step of STEPS) counts.push(await counter.during(() => say(ctx, 'rt1', step)));
      const typed = counts[5]!; // 'An apology'
      expect(typed, counter.describe()).toBeLessThanOrEqual(BUDGET.plainMessage);
      const confirm = await counter.during(() => say(ctx, 'rt1', { button: 'confirm' }));
      expect(confirm, counter.describe()).toBeLessThanOrEqual(BUDGET.confirm);
      expect(await lastText(ctx, 'rt1')).toMatch(/[A-Z]+-\d{8}-\d{4}/);
      expect(counts.reduce((a, b) => a + b, confirm)).toBeLessThanOrEqual(BUDGET.filing);
    });

    it('a redelivered update costs only the check that it was seen', async () => {
      const input: CustomerInbound = { platform: 'telegram', eventId: 'rt-dup', userId: 'rt2', chatId: 'rt2', displayName: 'Dup', languageCode: 'en', text: 'hello' };
      const { handleCustomerMessage } = await import('../../src/app/customers/handle-customer-message.ts');
      await handleCustomerMessage(ctx, input);
      const again = await counter.during(() => handleCustomerMessage(ctx, input));
      expect(again, counter.describe()).toBeLessThanOrEqual(BUDGET.redelivery);
    });

    it('a card click (accept) with the card rendered for the answer stays within its budget', async () => {
      const complaint = await ctx.db.complaint.findFirstOrThrow({ where: { customer: { platformUserId: 'rt1' } } });
      const click = await counter.during(async () => {
        const result = await staffDoes(ctx, complaint.id, { kind: 'accept' });
        expect(result.toast.type).toBe('success');
        await loadComplaintView(ctx.db, ctx.config, complaint.id, {});
      });
      expect(click, counter.describe()).toBeLessThanOrEqual(BUDGET.cardClick);
    });
  });
}
