/**
 * `npm run bench:jobs`: how the scheduled work scales with history. Creates its own PostgreSQL databases
 * on BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres), seeds them with
 * generate_series — 1,000,000 complaints over two years (10,000 open), and 10,000 in all (1,000 open) for
 * comparison — then times, with the clock at Monday 2026-11-30 09:00 (Asia/Shanghai):
 * - the SLA sweep with nothing due (the index probe every minute pays), with 10 complaints due for
 *   reminders (a busy minute), and with 10 month-old complaints due at once (upgrade + escalation each);
 * - the weekly digest (week 2026-W48 against W47), the monthly summary (November, six-month trend),
 *   and the unfinished ledger.
 * Prints a table of medians and drops the databases. RUNS=… changes the repetitions.
 *
 * Then the sweep at scale on the big database: 1,000 complaints due at once for each case (reminders,
 * escalations, month-old upgrades), and the cost per due complaint from 10 to 10,000 reminders due; and,
 * on the embedded database (PGlite, BENCH_PGLITE_TOTAL complaints, default 20,000), the longest wait of a
 * customer's message while a sweep of 1,000 due runs. BENCH_TOTAL=100000 makes a quick run (default
 * 1,000,000); BENCH_SCALE=0 skips the scale part; BENCH_PART=stall runs only the PGlite stall measurement,
 * BENCH_PART=upgrades only the 1,000 month-old upgrades.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../src/store/database.ts';
import type { AppContext } from '../src/app/shared/context.ts';
import { contextCalendars, slaFromConfig } from '../src/app/shared/policy.ts';
import { syncDirectory } from '../src/app/shared/sync-directory.ts';
import { sweepSlaClocks } from '../src/app/sla/sweep-sla-clocks.ts';
import { buildWeeklyDigest } from '../src/app/reports/send-weekly-digest.ts';
import { buildMonthlySummaries } from '../src/app/reports/send-monthly-summary.ts';
import { buildUnfinishedLedgers } from '../src/app/reports/send-unfinished-ledger.ts';
import { loadConfigFile } from '../src/config/load.ts';
import { createLogger } from '../src/logger.ts';

const BASE = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const RUNS = Number(process.env.RUNS ?? 15);
const TOTAL = Number(process.env.BENCH_TOTAL ?? 1_000_000);
const SCALE = process.env.BENCH_SCALE !== '0';
const NOW = new Date('2026-11-30T01:00:00Z'); // Monday 09:00 in Shanghai
const WEEK_START = new Date('2026-11-22T16:00:00Z'); // Monday 2026-11-23 00:00 in Shanghai
const MONTH_START = new Date('2026-10-31T16:00:00Z'); // 2026-11-01 00:00 in Shanghai

interface Bench {
  name: string;
  url: string;
  database: Database;
  ctx: AppContext;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(BASE);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function createBench(total: number, open: number): Promise<Bench> {
  const name = `cb_bench_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(BASE);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  await database.migrate();
  const config = loadConfigFile(process.env.CONFIG_FILE ?? 'complaint-bot.example.yaml');
  const ctx: AppContext = {
    db: database.prisma,
    config,
    ...contextCalendars(config),
    sla: slaFromConfig(config),
    now: () => NOW,
    log: createLogger(process.env.LOG_LEVEL ?? 'silent'),
    outboxChanged: () => {},
  };
  await syncDirectory(ctx);
  const started = performance.now();
  await seed(url.toString(), total, open);
  console.error(`seeded ${total.toLocaleString('en')} complaints (${open.toLocaleString('en')} open) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { name, url: url.toString(), database, ctx };
}

/** Complaints spread evenly over the two years before NOW; the newest 70 % of the open ones plus every k-th older one stay open. */
async function seed(url: string, total: number, open: number): Promise<void> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    await seedWith({ query: (sql, params) => c.query(sql, params) }, total, open);
  } finally {
    await c.end();
  }
}

/** The seed through any SQL executor (pg for PostgreSQL, Prisma for the embedded database). */
async function seedWith(c: { query(sql: string, params?: unknown[]): Promise<unknown> }, total: number, open: number): Promise<void> {
  const recent = Math.round(open * 0.7);
  const older = open - recent;
  const step = Math.floor((total - recent) / older);
  const now = NOW.toISOString().replace('T', ' ').replace('Z', '');
  {
    await c.query(`INSERT INTO "Customer" ("platform", "platformUserId", "chatId", "displayName")
      SELECT 'telegram', 'bench' || g, 'chat' || g, 'Customer ' || g FROM generate_series(1, 10000) g`);
    await c.query(`
      INSERT INTO "Complaint" ("number", "customerId", "channel", "category", "severity", "status", "departmentId", "subject", "description",
        "registeredAt", "clockStartAt", "acceptDueAt", "firstReplyDueAt", "resolveDueAt", "hardLimitAt",
        "acceptedAt", "firstReplyAt", "resolvedAt", "closedAt", "rating", "ratedAt", "nextDueAt", "updatedAt")
      SELECT 'BN-' || lpad(i::text, 8, '0'), 1 + i % 10000, 'telegram', cat,
        CASE WHEN i % 50 = 0 THEN 'major' WHEN i % 10 = 0 THEN 'important' ELSE 'general' END,
        status,
        CASE cat WHEN 'quality' THEN 'qa' WHEN 'network' THEN 'tech' WHEN 'billing' THEN 'ops' WHEN 'delivery' THEN 'ops' ELSE 'cs' END,
        CASE WHEN i % 3 = 0 THEN (ARRAY['快递员', '安装师傅', '客服热线', '账单', '网速'])[1 + i % 5] END,
        'bench complaint ' || i,
        reg, reg, reg + interval '2 hours', reg + interval '1 day', reg + interval '1 day', reg + interval '21 days',
        CASE WHEN status NOT IN ('registered', 'rejected') THEN reg + (i % 240) * interval '1 minute' END,
        CASE WHEN status NOT IN ('registered', 'rejected', 'accepted') THEN reg + (i % 600) * interval '1 minute' END,
        CASE WHEN status IN ('resolved', 'closed') THEN reg + (60 + (i::bigint * 7919) % 7200) * interval '1 minute' END,
        CASE WHEN status = 'closed' THEN reg + (60 + (i::bigint * 7919) % 7200) * interval '1 minute' + interval '1 day'
             WHEN status = 'rejected' THEN reg + interval '1 hour' END,
        CASE WHEN status = 'closed' AND i % 5 <> 0 THEN 1 + (i::bigint * 31) % 5 END,
        CASE WHEN status = 'closed' AND i % 5 <> 0 THEN reg + (60 + (i::bigint * 7919) % 7200) * interval '1 minute' + interval '2 hours' END,
        CASE WHEN is_open THEN $1::timestamp(3) + ((i::bigint * 7919) % 10080 + 1) * interval '1 minute' END,
        reg
      FROM (
        SELECT i, is_open,
          $1::timestamp(3) - ((${total} - i)::float8 / ${total}) * interval '730 days' - (i % 97) * interval '1 minute' AS reg,
          (ARRAY['quality', 'service', 'billing', 'delivery', 'network', 'other'])[1 + i % 6] AS cat,
          CASE WHEN is_open THEN (ARRAY['registered', 'accepted', 'in_progress', 'waiting_customer', 'reopened'])[1 + i % 5]
               WHEN i % 33 = 0 THEN 'rejected' WHEN i % 97 = 0 THEN 'resolved' ELSE 'closed' END AS status
        FROM (SELECT i, (i > ${total - recent} OR (i % ${step} = 0 AND i <= ${step * older})) AS is_open FROM generate_series(1, ${total}) i) s
      ) x`,
      [now],
    );
    await c.query(`INSERT INTO "ComplaintEvent" ("complaintId", "type", "toStatus", "actor", "at")
      SELECT "id", 'registered', 'registered', 'telegram:bench', "registeredAt" FROM "Complaint"`);
    await c.query(`INSERT INTO "ComplaintEvent" ("complaintId", "type", "toStatus", "actor", "at")
      SELECT "id", 'resolve', 'resolved', 'feishu:ou_bench', "resolvedAt" FROM "Complaint" WHERE "resolvedAt" IS NOT NULL`);
    await c.query(`INSERT INTO "ComplaintEvent" ("complaintId", "type", "toStatus", "actor", "at")
      SELECT "id", 'reopen', 'reopened', 'feishu:ou_bench', "registeredAt" + interval '3 days' FROM "Complaint" WHERE "status" = 'reopened' OR ("status" = 'closed' AND "id" % 50 = 0)`);
    await c.query('VACUUM ANALYZE');
  }
}

async function time(fn: () => Promise<unknown>, runs = RUNS, before?: () => Promise<void>): Promise<number> {
  await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (before) await before();
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const FRIDAY_15 = new Date('2026-11-27T07:00:00Z'); // three business hours before NOW
const MONDAY_10 = new Date('2026-11-30T02:00:00Z'); // one business hour after NOW

/** A busy minute: `n` recent open complaints reach 75 % of their first-reply and resolve clocks now (two reminders each). */
async function makeRemindersDue(b: Bench, n: number, recentDays = 10): Promise<void> {
  const db = b.database.prisma;
  const ids = (
    await db.$queryRaw<{ id: number }[]>`
      SELECT "id" FROM "Complaint" WHERE "status" IN ('registered', 'accepted', 'in_progress') AND "nextDueAt" > ${NOW}
        AND "registeredAt" > ${new Date(NOW.getTime() - recentDays * 86_400_000)} ORDER BY random() LIMIT ${n}`
  ).map((r) => r.id);
  await db.slaNotice.deleteMany({ where: { complaintId: { in: ids } } });
  await db.$executeRaw`
    UPDATE "Complaint" SET "status" = 'in_progress', "severity" = 'general', "registeredAt" = ${FRIDAY_15}, "clockStartAt" = ${FRIDAY_15},
      "acceptedAt" = ${FRIDAY_15}, "firstReplyAt" = NULL, "firstReplyDueAt" = ${MONDAY_10}, "resolveDueAt" = ${MONDAY_10},
      "hardLimitAt" = ${new Date(NOW.getTime() + 20 * 86_400_000)}, "nextDueAt" = ${new Date(NOW.getTime() - 60_000)}
    WHERE "id" = ANY(${ids}::int[])`;
}

/** The heaviest minute: `n` complaints open for months come due at once — each is upgraded to major and escalated. */
async function makeUpgradesDue(b: Bench, n: number): Promise<void> {
  await b.database.prisma.$executeRaw`
    UPDATE "Complaint" SET "nextDueAt" = ${new Date(NOW.getTime() - 60_000)}
    WHERE "id" IN (SELECT c."id" FROM "Complaint" c WHERE c."status" IN ('registered', 'accepted', 'in_progress') AND c."severity" <> 'major'
      AND c."registeredAt" < ${new Date(NOW.getTime() - 40 * 86_400_000)} AND c."nextDueAt" > ${NOW}
      AND NOT EXISTS (SELECT 1 FROM "SlaNotice" s WHERE s."complaintId" = c."id") ORDER BY random() LIMIT ${n})`;
}

/** `n` recent open complaints whose accept clock ran out a minute ago, never escalated: each goes one tier up. */
async function makeEscalationsDue(b: Bench, n: number): Promise<void> {
  const db = b.database.prisma;
  const ids = (
    await db.$queryRaw<{ id: number }[]>`
      SELECT "id" FROM "Complaint" WHERE "status" IN ('registered', 'accepted', 'in_progress') AND "nextDueAt" > ${NOW}
        AND "registeredAt" > ${new Date(NOW.getTime() - 10 * 86_400_000)} ORDER BY random() LIMIT ${n}`
  ).map((r) => r.id);
  await db.slaNotice.deleteMany({ where: { complaintId: { in: ids } } });
  await db.$executeRaw`
    UPDATE "Complaint" SET "status" = 'registered', "severity" = 'general', "registeredAt" = ${FRIDAY_15}, "clockStartAt" = ${FRIDAY_15}, "intakeDueAt" = NULL,
      "acceptedAt" = NULL, "firstReplyAt" = NULL, "acceptDueAt" = ${new Date(NOW.getTime() - 60_000)}, "firstReplyDueAt" = ${MONDAY_10}, "resolveDueAt" = ${MONDAY_10},
      "hardLimitAt" = ${new Date(NOW.getTime() + 20 * 86_400_000)}, "escalationTier" = 0, "escalatedAt" = NULL, "escalationDueAt" = NULL,
      "nextDueAt" = ${new Date(NOW.getTime() - 60_000)}
    WHERE "id" = ANY(${ids}::int[])`;
}

/** One sweep of what `prepare` made due; returns its time and the counts. */
async function sweepOnce(b: Bench, prepare: () => Promise<void>) {
  await prepare();
  const t = performance.now();
  const counts = await sweepSlaClocks(b.ctx);
  return { ms: performance.now() - t, counts };
}

async function measureScale(b: Bench) {
  await sweepSlaClocks(b.ctx); // nothing left due
  const reminders = await sweepOnce(b, () => makeRemindersDue(b, 1000));
  const escalations = await sweepOnce(b, () => makeEscalationsDue(b, 1000));
  const upgrades = await sweepOnce(b, () => makeUpgradesDue(b, 1000));
  const perDue: Record<string, string> = {};
  for (const n of [10, 100, 1000, 10_000]) {
    const r = await sweepOnce(b, () => makeRemindersDue(b, n));
    perDue[`${n.toLocaleString('en')} made due`] = `${(r.ms / Math.max(1, r.counts.complaints)).toFixed(2)} ms per swept complaint (${r.counts.complaints} swept in ${r.ms.toFixed(0)} ms)`;
  }
  return { reminders, escalations, upgrades, perDue };
}

/**
 * The embedded database: customers keep writing (one message after another, as fast as answered) while
 * a sweep of 1,000 due reminders runs; the longest answer during the sweep against the usual one.
 */
async function measureStallOnPGlite(total: number) {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { handleCustomerMessage } = await import('../src/app/customers/handle-customer-message.ts');
  const dir = mkdtempSync(path.join(tmpdir(), 'cb-bench-jobs-'));
  const database = await openDatabase({ dataDir: path.join(dir, 'pglite') });
  try {
    await database.migrate();
    const config = loadConfigFile(process.env.CONFIG_FILE ?? 'complaint-bot.example.yaml');
    const base = { db: database.prisma, config, ...contextCalendars(config), sla: slaFromConfig(config), log: createLogger('silent'), outboxChanged: () => {} };
    const ctx: AppContext = { ...base, now: () => NOW };
    await syncDirectory(ctx);
    const started = performance.now();
    await seedWith({ query: (sql, params) => database.prisma.$executeRawUnsafe(sql, ...(params ?? [])) }, total, Math.max(2000, total / 10));
    const seedSeconds = (performance.now() - started) / 1000;
    const b: Bench = { name: 'pglite', url: '', database, ctx };
    await sweepSlaClocks(ctx);
    await makeRemindersDue(b, 1000, 730);
    const customers: AppContext = { ...base, now: () => new Date() };
    // Customers' messages arrive on a fixed beat (every 10 ms, as they would from the network), each handled
    // at once; a message's wait runs from the moment it was due to arrive to its answer, so a blocked event
    // loop or a held database connection both count.
    const during: number[] = [];
    const before: number[] = [];
    let sweeping = false;
    let seq = 0;
    const pending = new Set<Promise<void>>();
    const beatMs = 10;
    const t0 = performance.now();
    const arrive = () => {
      const due = t0 + seq * beatMs;
      const user = `stall-${seq % 200}`;
      const phase = sweeping;
      const p = handleCustomerMessage(customers, { platform: 'telegram', eventId: `stall-${++seq}`, userId: user, chatId: user, displayName: user, languageCode: 'en', text: 'hello' }).then(() => {
        (phase || sweeping ? during : before).push(performance.now() - due);
        pending.delete(p);
      });
      pending.add(p);
    };
    const beat = setInterval(() => {
      // every arrival that was due by now (a late timer catches up, the wait counted from each one's due time)
      while (t0 + seq * beatMs <= performance.now()) arrive();
    }, beatMs);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    sweeping = true;
    const t = performance.now();
    const counts = await sweepSlaClocks(ctx);
    const sweepMs = performance.now() - t;
    sweeping = false;
    clearInterval(beat);
    await Promise.all(pending);
    before.sort((x, y) => x - y);
    return { seedSeconds, sweepMs, complaints: counts.complaints, usual: before[Math.floor(before.length / 2)] ?? NaN, longest: Math.max(...during), answered: during.length };
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(b: Bench) {
  const idle = await time(() => sweepSlaClocks(b.ctx));
  let reminders = 0;
  const busy = await time(
    async () => (reminders = (await sweepSlaClocks(b.ctx)).reminders),
    RUNS,
    () => makeRemindersDue(b, 10),
  );
  if (reminders !== 20) throw new Error(`the busy sweep sent ${reminders} reminders, expected 20`);
  let upgrades = 0;
  const heavy = await time(async () => (upgrades = (await sweepSlaClocks(b.ctx)).upgrades), 3, () => makeUpgradesDue(b, 10));
  if (upgrades !== 10) throw new Error(`the heavy sweep upgraded ${upgrades} complaints, expected 10`);
  const digest = await time(() => buildWeeklyDigest(b.ctx, WEEK_START), Math.min(RUNS, 7));
  const summary = await time(() => buildMonthlySummaries(b.ctx, MONTH_START), Math.min(RUNS, 5));
  const ledger = await time(() => buildUnfinishedLedgers(b.ctx, NOW), Math.min(RUNS, 7));
  const plan = await b.database.prisma.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
    `EXPLAIN SELECT "id" FROM "Complaint" WHERE "nextDueAt" <= '${NOW.toISOString()}' AND NOT ("id" = ANY('{}'::int[])) ORDER BY "nextDueAt", "id" LIMIT 200`,
  );
  return { idle, busy, heavy, digest, summary, ledger, plan: plan.map((r) => r['QUERY PLAN'].trim()).find((l) => /Scan/.test(l)) ?? '' };
}

async function printStall(): Promise<void> {
  const stall = await measureStallOnPGlite(Number(process.env.BENCH_PGLITE_TOTAL ?? 20_000));
  console.log(
    `\nEmbedded database (PGlite, seeded in ${stall.seedSeconds.toFixed(1)} s): a sweep of ${stall.complaints} due took ${stall.sweepMs.toFixed(0)} ms; ` +
      `a customer's message took ${stall.usual.toFixed(1)} ms (median) before it, and at most ${stall.longest.toFixed(0)} ms during it (${stall.answered} answered meanwhile; target < 200 ms)`,
  );
}

// BENCH_PART=stall: only the embedded database's stall measurement (no PostgreSQL seeding).
if (process.env.BENCH_PART === 'stall') {
  await printStall();
  process.exit(0);
}

// BENCH_PART=upgrades: only 1,000 month-old upgrades at once on the big database (to profile that case).
if (process.env.BENCH_PART === 'upgrades') {
  const b = await createBench(TOTAL, 25_000);
  try {
    await sweepSlaClocks(b.ctx); // nothing left due
    const r = await sweepOnce(b, () => makeUpgradesDue(b, 1000));
    console.log(`1,000 month-old complaints due at ${TOTAL.toLocaleString('en')}: ${r.ms.toFixed(0)} ms (${r.counts.upgrades} upgrades, ${r.counts.escalations} escalations, ${(r.ms / Math.max(1, r.counts.complaints)).toFixed(2)} ms per due complaint)`);
  } finally {
    await b.database.close();
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${b.name} WITH (FORCE)`));
  }
  process.exit(0);
}

const benches: Bench[] = [];
try {
  benches.push(await createBench(TOTAL, SCALE ? 25_000 : 10_000));
  benches.push(await createBench(10_000, 1_000));
  const [big, small] = [await measure(benches[0]!), await measure(benches[1]!)];
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  console.log(`\nScheduled work, median of ${RUNS} runs (PostgreSQL, ${BASE.replace(/\/\/.*@/, '//')})\n`);
  console.table({
    'SLA sweep, nothing due': { '1,000,000 complaints': ms(big.idle), '10,000 complaints': ms(small.idle), target: '< 50 ms' },
    'SLA sweep, 10 complaints due (20 reminders)': { '1,000,000 complaints': ms(big.busy), '10,000 complaints': ms(small.busy), target: '' },
    'SLA sweep, 10 month-old complaints due (upgrade + escalation each)': { '1,000,000 complaints': ms(big.heavy), '10,000 complaints': ms(small.heavy), target: '' },
    'weekly digest (buildWeeklyDigest)': { '1,000,000 complaints': ms(big.digest), '10,000 complaints': ms(small.digest), target: '< 1 s' },
    'monthly summary (all departments)': { '1,000,000 complaints': ms(big.summary), '10,000 complaints': ms(small.summary), target: '' },
    'unfinished ledger (all departments)': { '1,000,000 complaints': ms(big.ledger), '10,000 complaints': ms(small.ledger), target: '' },
  });
  console.log(`sweep query plan at ${TOTAL.toLocaleString('en')}: ${big.plan}`);
  if (SCALE) {
    const scale = await measureScale(benches[0]!);
    const row = (r: { ms: number; counts: Awaited<ReturnType<typeof sweepSlaClocks>> }, target: string) => ({
      time: ms(r.ms),
      'per due complaint': ms(r.ms / Math.max(1, r.counts.complaints)),
      done: `${r.counts.complaints} swept: ${r.counts.reminders} reminders, ${r.counts.alerts} alerts, ${r.counts.escalations} escalations, ${r.counts.upgrades} upgrades`,
      target,
    });
    console.log(`\nThe SLA sweep with 1,000 complaints due at once (PostgreSQL, ${TOTAL.toLocaleString('en')} complaints)\n`);
    console.table({
      '1,000 reminders due': row(scale.reminders, '< 2 s'),
      '1,000 escalations due': row(scale.escalations, '< 2 s'),
      '1,000 month-old upgrades due': row(scale.upgrades, '< 2 s'),
    });
    console.log('\nCost per due complaint (reminders), by how many are due at once:');
    console.table(scale.perDue);
    await printStall();
  }
} finally {
  for (const b of benches) {
    await b.database.close();
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${b.name} WITH (FORCE)`));
  }
}
