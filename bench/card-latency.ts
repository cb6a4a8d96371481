/**
 * `npm run bench:card-latency`: how long from a customer's "confirm" on Telegram until the department's
 * Feishu card is posted, through the real bot wiring (grammY, outbox, Feishu SDK) against the emulators.
 * Prints a table; the target is under 1 s.
 */
import type { Message } from 'grammy/types';
import { startHarness } from '../test/support/harness.ts';

const runs = Number(process.env.RUNS ?? 30);
const h = await startHarness({ databaseUrl: process.env.BENCH_DATABASE_URL });
const times: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const user = h.telegram.createUser({ first_name: `Bench${i}`, language_code: 'en' });
    h.telegram.sendText(user, '/complain');
    const ask = await h.telegram.nextBotCall('sendMessage', { chatId: user.id });
    h.telegram.clickButton(user, ask.result as Message, 'cat:service');
    await h.telegram.nextBotCall('sendMessage', { chatId: user.id });
    h.telegram.sendText(user, `Benchmark complaint ${i}`);
    await h.telegram.nextBotCall('sendMessage', { chatId: user.id });
    h.telegram.sendText(user, 'skip');
    const summary = await h.telegram.nextBotCall('sendMessage', { chatId: user.id });
    const from = h.feishu.calls.length;
    const started = performance.now();
    h.telegram.clickButton(user, summary.result as Message, 'confirm');
    await h.feishu.waitForCall((c) => c.seq > from && c.method === 'POST' && c.path === '/open-apis/im/v1/messages' && JSON.stringify(c.body).includes(`Benchmark complaint ${i}`), 10_000);
    times.push(performance.now() - started);
  }
} finally {
  await h.stop();
}
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
console.log(`database: ${process.env.BENCH_DATABASE_URL ? 'postgresql' : 'pglite'}, runs: ${runs}`);
console.table({ 'confirm → card posted (ms)': { median: +q(0.5).toFixed(1), p95: +q(0.95).toFixed(1), max: +times[times.length - 1]!.toFixed(1) } });
