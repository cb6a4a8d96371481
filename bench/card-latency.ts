/**
 * `npm run bench:card-latency`: how long from a customer's "confirm" on Telegram until the department's
 * Feishu card is posted, through the real bot wiring (grammY, outbox, Feishu SDK) against the emulators.
 * The customer files through the same helper as the end-to-end tests (test/e2e/customer-e2e.ts).
 * Prints a table; the target is under 1 s. RUNS (default 30), BENCH_DATABASE_URL for PostgreSQL.
 */
import { startHarness } from '../test/support/harness.ts';
import { CustomerChat } from '../test/e2e/customer-e2e.ts';

const runs = Number(process.env.RUNS ?? 30);
const h = await startHarness({ databaseUrl: process.env.BENCH_DATABASE_URL });
const times: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    // a new customer each time: the per-customer daily limit must not refuse the benchmark
    const chat = new CustomerChat(h, { first_name: `Bench${i}` });
    const description = `Benchmark complaint ${i}`;
    let from = 0;
    let started = 0;
    await chat.file({
      description,
      beforeConfirm: () => {
        from = h.feishu.calls.length;
        started = performance.now();
      },
    });
    await h.feishu.waitForCall((c) => c.seq > from && c.method === 'POST' && c.path === '/open-apis/im/v1/messages' && JSON.stringify(c.body).includes(description), 10_000);
    times.push(performance.now() - started);
  }
} finally {
  await h.stop();
}
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
console.log(`database: ${process.env.BENCH_DATABASE_URL ? 'postgresql' : 'pglite'}, runs: ${runs}`);
console.table({ 'confirm → card posted (ms)': { median: +q(0.5).toFixed(1), p95: +q(0.95).toFixed(1), max: +times[times.length - 1]!.toFixed(1) } });
