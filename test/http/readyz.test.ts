/**
 * /healthz says the process is alive (no database); /readyz says the database answers and every enabled
 * channel is connected, 503 naming what is not: the Feishu long connection dropped (the emulator refusing
 * reconnects), PostgreSQL refusing connections, PGlite closed; and 200 again once they are back.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';
import { freshPostgresUrl } from '../support/databases.ts';
import { startWechatHarness, type WechatHarness } from '../support/wechat.ts';

interface Ready {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
  notReady: string[];
}

async function readyz(h: Pick<Harness, 'bot'>): Promise<{ status: number; body: Ready }> {
  const res = await fetch(`http://127.0.0.1:${h.bot.port}/readyz`);
  return { status: res.status, body: (await res.json()) as Ready };
}

/** Polls /readyz until it answers `status` (the channels reconnect on their own schedule). */
async function readyzBecomes(h: Pick<Harness, 'bot'>, status: number, timeoutMs = 15_000): Promise<Ready> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await readyz(h);
    if (r.status === status) return r.body;
    if (Date.now() > until) throw new Error(`/readyz still ${r.status}: ${JSON.stringify(r.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('/readyz on PGlite', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.stop().catch(() => {}));

  it('is 200 once the database, Telegram polling and the Feishu long connection are up; /healthz too', async () => {
    const body = await readyzBecomes(h, 200);
    expect(body).toMatchObject({ ok: true, notReady: [], checks: { database: { ok: true, detail: 'pglite' }, telegram: { ok: true, detail: 'long polling' }, feishu: { ok: true, detail: 'long connection open' } } });
    const health = await fetch(`http://127.0.0.1:${h.bot.port}/healthz`);
    expect(health.status).toBe(200);
  });

  it('is 503 naming Feishu while the long connection is down, 200 again when it reconnects; /healthz stays 200', async () => {
    h.feishu.refuseConnections(true);
    await h.feishu.dropConnections();
    const down = await readyzBecomes(h, 503);
    expect(down.ok).toBe(false);
    expect(down.notReady).toEqual([expect.stringMatching(/^feishu: long connection (reconnecting|connecting|idle)$/)]);
    expect(down.checks.database!.ok).toBe(true);
    expect((await fetch(`http://127.0.0.1:${h.bot.port}/healthz`)).status).toBe(200);
    h.feishu.refuseConnections(false);
    expect((await readyzBecomes(h, 200)).notReady).toEqual([]);
  });

  it('is 503 naming the database once PGlite is closed, while /healthz still answers', async () => {
    await h.bot.database.close();
    const down = await readyzBecomes(h, 503);
    expect(down.notReady).toEqual([expect.stringMatching(/^database: /)]);
    expect((await fetch(`http://127.0.0.1:${h.bot.port}/healthz`)).status).toBe(200);
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('/readyz on PostgreSQL', () => {
  let h: Harness;
  let db: { url: string; drop(): Promise<void> };
  const admin = async (sql: string) => {
    const c = new pg.Client(process.env.TEST_DATABASE_URL);
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  const name = () => new URL(db.url).pathname.slice(1);
  beforeAll(async () => {
    db = (await freshPostgresUrl())!;
    h = await startHarness({ databaseUrl: db.url });
  });
  afterAll(async () => {
    await admin(`ALTER DATABASE ${name()} WITH ALLOW_CONNECTIONS true`).catch(() => {});
    await h?.stop();
    await db?.drop();
  });

  it('is 503 naming the database while PostgreSQL refuses it, and 200 again after', async () => {
    await readyzBecomes(h, 200);
    await admin(`ALTER DATABASE ${name()} WITH ALLOW_CONNECTIONS false`);
    await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name()}' AND pid <> pg_backend_pid()`);
    const down = await readyzBecomes(h, 503);
    expect(down.notReady).toEqual([expect.stringMatching(/^database: /)]);
    expect(down.checks.feishu!.ok).toBe(true);
    expect((await fetch(`http://127.0.0.1:${h.bot.port}/healthz`)).status).toBe(200);
    await admin(`ALTER DATABASE ${name()} WITH ALLOW_CONNECTIONS true`);
    expect((await readyzBecomes(h, 200)).checks.database).toEqual({ ok: true, detail: 'postgresql' });
  });
});

describe('/readyz with a WeChat official account', () => {
  let h: WechatHarness;
  beforeAll(async () => {
    h = await startWechatHarness();
  });
  afterAll(async () => {
    await h?.bot.stop();
    await h?.wechat.stop().catch(() => {});
  });

  it('is 200 while an access token can be had, 503 naming WeChat once it cannot (token expired, WeChat unreachable)', async () => {
    expect((await readyzBecomes(h, 200)).checks.wechat).toEqual({ ok: true, detail: 'access token obtainable' });
    await h.wechat.stop();
    h.clock.advance(3 * 3600_000); // past the token's 2 hours: it must be fetched again
    const down = await readyzBecomes(h, 503);
    expect(down.notReady).toEqual([expect.stringMatching(/^wechat: no access token: /)]);
  });
});
