/**
 * `npx tsx bench/staff-actions.ts`: the staff side through the real bot wiring against the emulators.
 * - card click → answer (toast + redrawn card) over the long connection: Feishu wants it within 3 s;
 * - two staff clicking at once on one complaint (row lock): both answered, one change;
 * - the Feishu sender's per-group throttle: messages a second into one group (Feishu allows 5).
 * Prints tables. BENCH_DATABASE_URL=postgresql://… runs it on PostgreSQL (a migrated, empty database).
 */
import { startHarness } from '../test/support/harness.ts';
import { buttonValue, fileFor, outboxSettled } from '../test/e2e/staff-helpers.ts';
import { enqueue } from '../src/app/shared/outbox.ts';

const runs = Number(process.env.RUNS ?? 50);
const h = await startHarness({ databaseUrl: process.env.BENCH_DATABASE_URL });
const stats = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { median: +q(0.5).toFixed(1), p95: +q(0.95).toFixed(1), max: +sorted[sorted.length - 1]!.toFixed(1) };
};
const rows: Record<string, object> = {};
try {
  const accept: number[] = [];
  const note: number[] = [];
  const pair: number[] = [];
  for (let i = 0; i < runs; i++) {
    const f = await fileFor(h, { description: `Bench complaint ${i}` });
    const card = () => h.feishu.message(f.messageId).card!;
    let t = performance.now();
    await h.feishu.clickButton({ messageId: f.messageId, operator: { open_id: 'ou_cs_agent_1' }, value: buttonValue(card(), 'accept') });
    accept.push(performance.now() - t);
    t = performance.now();
    await h.feishu.clickButton({ messageId: f.messageId, operator: { open_id: 'ou_cs_agent_1' }, value: buttonValue(card(), 'note'), formValue: { message: `note ${i}` } });
    note.push(performance.now() - t);
    const value = buttonValue(card(), 'escalate');
    t = performance.now();
    await Promise.all(
      ['ou_cs_agent_1', 'ou_cs_agent_2'].map((who) => h.feishu.clickButton({ messageId: f.messageId, operator: { open_id: who }, value, formValue: { route_reason: 'bench' } })),
    );
    pair.push(performance.now() - t);
  }
  rows['click Accept → answer (ms)'] = stats(accept);
  rows['click Internal note → answer (ms)'] = stats(note);
  rows['two Escalate clicks at once → both answered (ms)'] = stats(pair);

  await outboxSettled(h);
  const burst = 40;
  const from = h.feishu.calls.length;
  await h.bot.ctx.db.$transaction(async (tx) => {
    for (let i = 0; i < burst; i++) await enqueue(tx, { channel: 'feishu', kind: 'text', target: 'oc_bench_group', payload: { text: `burst ${i}` } }, new Date());
  });
  const started = performance.now();
  h.bot.ctx.outboxChanged();
  await outboxSettled(h);
  const elapsed = (performance.now() - started) / 1000;
  const sent = h.feishu.calls.slice(from).filter((c) => c.method === 'POST' && c.path === '/open-apis/im/v1/messages' && (c.body as { receive_id?: string }).receive_id === 'oc_bench_group');
  const at = sent.map((c) => c.at);
  const busiestSecond = Math.max(...at.map((t0) => at.filter((t) => t >= t0 && t < t0 + 1000).length));
  rows[`${burst} texts queued for one group`] = { seconds: +elapsed.toFixed(2), 'messages/s': +(sent.length / elapsed).toFixed(2), 'most in any 1 s': busiestSecond };
} finally {
  await h.stop();
}
console.log(`database: ${process.env.BENCH_DATABASE_URL ? 'postgresql' : 'pglite'}, runs: ${runs}`);
console.table(rows);
