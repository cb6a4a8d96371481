/**
 * `npm run bench:export`: how long the complaints export takes for 100,000 complaints on PostgreSQL.
 * Creates its own database on BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres),
 * seeds it with generate_series — COMPLAINTS (default 100,000) complaints registered in 2026-Q4, with a
 * structured resolution on the resolved ones and 3–4 audit events each — then times, RUNS times
 * (default 3), the export of 2026-Q4 written to a file (what `npm run export` does) and built in memory
 * (what `/export` uploads into the chat). Prints medians, file size and peak memory; drops the database.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../src/store/database.ts';
import { loadConfigFile } from '../src/config/load.ts';
import { contextCalendars, slaFromConfig } from '../src/app/shared/policy.ts';
import { syncDirectory } from '../src/app/shared/sync-directory.ts';
import { createLogger } from '../src/logger.ts';
import { buildComplaintExport } from '../src/app/records/export-complaints.ts';
import { exportComplaintsToFile } from '../src/app/records/export-complaints-to-file.ts';
import { parseReportPeriod } from '../src/domain/report-period.ts';

const BASE = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const TOTAL = Number(process.env.COMPLAINTS ?? 100_000);
const RUNS = Number(process.env.RUNS ?? 3);
const NOW = new Date('2027-01-04T02:00:00Z');

async function admin(sql: string): Promise<void> {
  const c = new pg.Client(BASE);
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function seed(url: string): Promise<void> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    await c.query(`INSERT INTO "Customer" ("platform", "platformUserId", "chatId", "displayName", "phone")
      SELECT 'telegram', 'bench' || g, 'chat' || g, '客户 ' || g, '138' || lpad(g::text, 8, '0') FROM generate_series(1, 20000) g`);
    await c.query(
      `INSERT INTO "Complaint" ("number", "customerId", "channel", "category", "severity", "status", "departmentId", "subject", "description",
        "desiredOutcome", "contactPhone", "registeredAt", "clockStartAt", "acceptDueAt", "firstReplyDueAt", "resolveDueAt", "hardLimitAt",
        "acceptedAt", "handlerName", "firstReplyAt", "resolvedAt", "resolution", "causeCategory", "improvement", "compensationKind", "compensationCents",
        "closedAt", "closeReason", "rating", "ratedAt", "nextDueAt", "updatedAt")
      SELECT 'BX-' || lpad(i::text, 8, '0'), 1 + i % 20000, 'telegram', cat, 'general', status,
        CASE cat WHEN 'quality' THEN 'qa' WHEN 'network' THEN 'tech' WHEN 'billing' THEN 'ops' ELSE 'cs' END,
        '快递员', '收到的商品有破损，快递员态度也不好，要求处理 ' || i, '退款或换货', '139' || lpad((i % 100000000)::text, 8, '0'),
        reg, reg, reg + interval '2 hours', reg + interval '1 day', reg + interval '1 day', reg + interval '21 days',
        reg + (i % 240) * interval '1 minute', '王芳', reg + (i % 600) * interval '1 minute',
        CASE WHEN status IN ('resolved', 'closed') THEN reg + (60 + i % 3000) * interval '1 minute' END,
        CASE WHEN status IN ('resolved', 'closed') THEN '已为客户办理退款并致歉' END,
        CASE WHEN status IN ('resolved', 'closed') THEN (ARRAY['product_defect', 'staff_conduct', 'process', 'third_party'])[1 + i % 4] END,
        CASE WHEN status IN ('resolved', 'closed') THEN '加强快递员培训' END,
        CASE WHEN status IN ('resolved', 'closed') AND i % 3 = 0 THEN 'refund' END,
        CASE WHEN status IN ('resolved', 'closed') AND i % 3 = 0 THEN 5000 + i % 10000 END,
        CASE WHEN status = 'closed' THEN reg + interval '3 days' END, CASE WHEN status = 'closed' THEN 'rated' END,
        CASE WHEN status = 'closed' THEN 1 + i % 5 END, CASE WHEN status = 'closed' THEN reg + interval '3 days' END,
        NULL, reg
      FROM (
        SELECT i, timestamp '2026-09-30 16:00' + (i::float8 / ${TOTAL}) * interval '91 days' AS reg,
          (ARRAY['quality', 'service', 'billing', 'delivery', 'network', 'other'])[1 + i % 6] AS cat,
          CASE WHEN i % 10 = 0 THEN 'in_progress' WHEN i % 7 = 0 THEN 'resolved' ELSE 'closed' END AS status
        FROM generate_series(1, ${TOTAL}) i
      ) x`,
    );
    await c.query(`INSERT INTO "ComplaintEvent" ("complaintId", "type", "toStatus", "actor", "actorName", "at", "data")
      SELECT "id", 'registered', 'registered', 'telegram:bench', '客户', "registeredAt", '{"category":"service","severity":"general","department":"cs"}' FROM "Complaint"`);
    await c.query(`INSERT INTO "ComplaintEvent" ("complaintId", "type", "fromStatus", "toStatus", "actor", "actorName", "at")
      SELECT "id", 'accept', 'registered', 'accepted', 'feishu:ou_cs_agent_1', '王芳', "acceptedAt" FROM "Complaint"`);
    await c.query(`INSERT INTO "ComplaintEvent" ("complaintId", "type", "fromStatus", "toStatus", "actor", "actorName", "at", "data")
      SELECT "id", 'resolve', 'in_progress', 'resolved', 'feishu:ou_cs_agent_1', '王芳', "resolvedAt", jsonb_build_object('resolution', "resolution", 'cause', "causeCategory") FROM "Complaint" WHERE "resolvedAt" IS NOT NULL`);
    await c.query(`INSERT INTO "ComplaintEvent" ("complaintId", "type", "fromStatus", "toStatus", "actor", "at", "data")
      SELECT "id", 'rate', 'resolved', 'closed', 'telegram:bench', "ratedAt", jsonb_build_object('rating', "rating") FROM "Complaint" WHERE "ratedAt" IS NOT NULL`);
    await c.query('VACUUM ANALYZE');
  } finally {
    await c.end();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const name = `cb_bench_export_${randomBytes(5).toString('hex')}`;
await admin(`CREATE DATABASE ${name}`);
const url = new URL(BASE);
url.pathname = `/${name}`;
const database = await openDatabase({ url: url.toString() });
const dir = mkdtempSync(path.join(tmpdir(), 'cb-bench-export-'));
try {
  await database.migrate();
  const config = loadConfigFile(process.env.CONFIG_FILE ?? 'complaint-bot.example.yaml');
  await syncDirectory({ db: database.prisma, config, ...contextCalendars(config), sla: slaFromConfig(config), now: () => NOW, log: createLogger('silent'), outboxChanged: () => {} });
  let t = performance.now();
  await seed(url.toString());
  const events = await database.prisma.complaintEvent.count();
  console.error(`seeded ${TOTAL.toLocaleString('en')} complaints and ${events.toLocaleString('en')} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const parsed = parseReportPeriod('2026-Q4', NOW, config.calendar.timeZone);
  if (!parsed.ok) throw new Error('bad period');
  const out = path.join(dir, 'q4.xlsx');
  const toFile: number[] = [];
  const inMemory: number[] = [];
  let size = 0;
  let rows = { complaints: 0, events: 0 };
  for (let i = 0; i < RUNS; i++) {
    t = performance.now();
    rows = await exportComplaintsToFile(database.prisma, config, { period: parsed.period, out, fullData: false }, { operator: 'bench', now: NOW });
    toFile.push(performance.now() - t);
    size = statSync(out).size;
    t = performance.now();
    await buildComplaintExport(database.prisma, config, { period: parsed.period, fullData: false, generatedAt: NOW });
    inMemory.push(performance.now() - t);
  }
  console.log(`export of 2026-Q4 on PostgreSQL: ${rows.complaints.toLocaleString('en')} complaints, ${rows.events.toLocaleString('en')} events, ${(size / 1048576).toFixed(1)} MB .xlsx`);
  console.log(`| what | median of ${RUNS} |`);
  console.log('| --- | --- |');
  console.log(`| npm run export (to a file) | ${(median(toFile) / 1000).toFixed(1)} s |`);
  console.log(`| /export (built in memory for the upload) | ${(median(inMemory) / 1000).toFixed(1)} s |`);
  console.log(`peak resident memory: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
} finally {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
