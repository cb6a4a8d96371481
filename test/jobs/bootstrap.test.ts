/**
 * The scheduler wired into the real bot (startBot) against the Feishu and Telegram emulators: an instance
 * that starts sweeps at once, so an important complaint's supervisor is told through the outbox, and a
 * report card reaches the chat as a Feishu card JSON 2.0 with its chart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';
import { freshPostgresUrl } from '../support/databases.ts';
import { fileComplaint } from '../../src/app/complaints/file-complaint.ts';
import { sendWeeklyDigest } from '../../src/app/reports/send-weekly-digest.ts';

async function eventually<T>(probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const kinds = [{ name: 'pglite' }, ...(process.env.TEST_DATABASE_URL ? [{ name: 'postgresql' }] : [])];

describe.each(kinds)('scheduled jobs in the running bot on $name', ({ name }) => {
  let h: Harness;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const pgUrl = name === 'postgresql' ? await freshPostgresUrl() : null;
    drop = pgUrl?.drop;
    h = await startHarness({ jobs: true, databaseUrl: pgUrl?.url });
  });
  afterAll(async () => {
    await h?.stop();
    await drop?.();
  });

  it('a starting instance sweeps: the supervisor of an important complaint is @mentioned in the group', async () => {
    const ctx = h.bot.ctx;
    const customer = await ctx.db.customer.create({ data: { platform: 'telegram', platformUserId: 'boot-1', chatId: 'boot-1', displayName: 'Boot' } });
    const c = await ctx.db.$transaction((tx) => fileComplaint(ctx, tx, { customerId: customer.id, categoryId: 'quality', description: 'Screen cracked', contactPhone: null, language: 'zh' }));
    await h.restart();
    const alert = await eventually(() => h.feishu.messagesIn('oc_qa_group').find((m) => m.msgType === 'text' && m.text?.includes(c.number)));
    expect(alert.text).toContain('<at user_id="ou_qa_supervisor"></at>');
    expect(alert.text).toContain('请主管关注');
  });

  it('a report card reaches the chat as card JSON 2.0 with a chart', async () => {
    await sendWeeklyDigest(h.bot.ctx, { chatId: 'oc_managers_group' });
    const card = await eventually(() => h.feishu.messagesIn('oc_managers_group').find((m) => m.msgType === 'interactive')?.card);
    expect(card.schema).toBe('2.0');
    expect(JSON.stringify(card)).toContain('"tag":"chart"');
  });
});
