/**
 * Instances starting together (issue 13, fault 5): start-up must not fail because another instance holds
 * locks for a while. Another session locks the directory rows for 7 s (longer than an interactive
 * transaction's 5 s limit) while the bot starts; the bot waits and starts.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freshPostgresUrl } from '../support/databases.ts';
import { startHarness } from '../support/harness.ts';

describe.runIf(process.env.TEST_DATABASE_URL)('start-up next to a busy instance (PostgreSQL)', () => {
  it('waits for locks held longer than a transaction limit instead of failing', async () => {
    const fresh = (await freshPostgresUrl())!;
    // a first start fills the directory
    const first = await startHarness({ databaseUrl: fresh.url });
    await first.stop();
    const other = new pg.Client(fresh.url);
    await other.connect();
    await other.query('BEGIN');
    await other.query('SELECT * FROM "Department" FOR UPDATE');
    await other.query('SELECT * FROM "Staff" FOR UPDATE');
    const release = setTimeout(() => void other.query('COMMIT'), 7000);
    try {
      const started = Date.now();
      const h = await startHarness({ databaseUrl: fresh.url });
      expect(Date.now() - started).toBeGreaterThanOrEqual(6000);
      expect(await h.bot.ctx.db.department.count()).toBeGreaterThan(0);
      await h.stop();
    } finally {
      clearTimeout(release);
      await other.query('COMMIT').catch(() => {});
      await other.end();
      await fresh.drop();
    }
  }, 90_000);
});
