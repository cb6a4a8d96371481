/**
 * /metrics on the running bot against the emulators: after a customer message, a filed complaint whose
 * card met a Feishu 429, a card click and an SLA sweep past a deadline, the exposition has each series
 * with the value the database and the emulators show. Each bot has its own registry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';
import { click, fileFor, outboxSettled } from '../e2e/staff-helpers.ts';
import { JobScheduler } from '../../src/jobs/scheduler.ts';
import { botJobs, SLA_SWEEP_JOB } from '../../src/jobs/jobs.ts';
import { BotMetrics } from '../../src/metrics/bot-metrics.ts';
import { createLogger } from '../../src/logger.ts';
import { sh } from '../jobs/support.ts';

/** The value of one sample of the exposition, or undefined when the series has no such sample. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('/metrics', () => {
  let h: Harness;
  // The bot's clock runs with real time (retries become due) from Monday 2026-11-23 10:00 in Shanghai, and can jump.
  let offsetMs = sh('2026-11-23 10:00').getTime() - Date.now();
  const scrape = async () => {
    const res = await fetch(`http://127.0.0.1:${h.bot.port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };
  beforeAll(async () => {
    h = await startHarness({ now: () => new Date(Date.now() + offsetMs) });
  });
  afterAll(async () => h?.stop());

  it('counts inbound events, deliveries by result, 429s, complaints and the card-click latency', async () => {
    const user = h.telegram.createUser({ first_name: 'Mei', language_code: 'en' });
    h.telegram.sendText(user, '/start');
    await h.telegram.nextBotCall('sendMessage', { chatId: user.id });

    h.feishu.rateLimitNext('/open-apis/im/v1/messages', 1); // the card's first post meets a 429, then goes through
    const filed = await fileFor(h, { user });
    const accepted = await click(h, filed.messageId, 'ou_cs_agent_1', 'accept');
    expect(accepted.toast?.type).toBe('success');
    await outboxSettled(h);

    const text = await scrape();
    expect(sample(text, 'complaint_bot_inbound_events_total', { platform: 'telegram', kind: 'message' })).toBe(1);
    expect(sample(text, 'complaint_bot_inbound_events_total', { platform: 'feishu', kind: 'card_action' })).toBe(1);
    expect(sample(text, 'complaint_bot_rate_limited_total', { platform: 'feishu' })).toBe(1);
    expect(sample(text, 'complaint_bot_deliveries_total', { platform: 'feishu', result: 'retry' })).toBe(1);
    const sent = await h.bot.ctx.db.outboxMessage.groupBy({ by: ['channel'], where: { status: 'sent' }, _count: true });
    for (const s of sent) expect(sample(text, 'complaint_bot_deliveries_total', { platform: s.channel, result: 'sent' }), s.channel).toBe(s._count);
    expect(sent.map((s) => s.channel).sort()).toEqual(['feishu', 'telegram']);
    expect(sample(text, 'complaint_bot_complaints', { status: 'accepted', department: 'cs' })).toBe(1);
    expect(sample(text, 'complaint_bot_card_action_answer_seconds_count', { outcome: 'answered' })).toBe(1);
    expect(sample(text, 'complaint_bot_card_action_answer_seconds_bucket', { outcome: 'answered', le: '+Inf' })).toBe(1);
    expect(sample(text, 'complaint_bot_database_up')).toBe(1);
    // the default process metrics
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('reads the outbox on scrape: waiting and failed rows per platform, the age of the oldest waiting one', async () => {
    const now = h.bot.ctx.now();
    const row = { kind: 'text', target: 'nobody', payload: { text: 'x' } };
    // No WeChat channel runs here, so its rows wait.
    await h.bot.ctx.db.outboxMessage.create({ data: { ...row, channel: 'wechat', createdAt: new Date(now.getTime() - 120_000), nextAttemptAt: now } });
    await h.bot.ctx.db.outboxMessage.create({ data: { ...row, channel: 'wechat', createdAt: new Date(now.getTime() - 30_000), nextAttemptAt: now } });
    await h.bot.ctx.db.outboxMessage.create({ data: { ...row, channel: 'telegram', status: 'failed', lastError: 'telegram.sendMessage: Forbidden', createdAt: now, nextAttemptAt: now } });
    const text = await scrape();
    expect(sample(text, 'complaint_bot_outbox_messages', { platform: 'wechat', status: 'pending' })).toBe(2);
    expect(sample(text, 'complaint_bot_outbox_messages', { platform: 'telegram', status: 'failed' })).toBe(1);
    expect(sample(text, 'complaint_bot_outbox_messages', { platform: 'feishu', status: 'pending' })).toBeUndefined();
    const age = sample(text, 'complaint_bot_outbox_oldest_pending_age_seconds', { platform: 'wechat' })!;
    expect(age).toBeGreaterThanOrEqual(120);
    expect(age).toBeLessThan(180);
  });

  it('counts SLA breaches and escalations of the sweep, and the job run with its lag behind the slot', async () => {
    const late = await fileFor(h, { category: 'service' }); // general: accept within 2 business hours (lunch 12:00–13:30)
    expect(late.complaint.acceptDueAt.getTime()).toBeLessThan(sh('2026-11-23 14:00').getTime());
    offsetMs += 5 * 3600_000; // 15:00+: the accept clock ran out
    const scheduler = new JobScheduler(h.bot.ctx, botJobs(h.bot.ctx));
    const counts = (await scheduler.runDue(SLA_SWEEP_JOB)) as { alerts: number; escalations: number };
    expect(counts.alerts + counts.escalations).toBeGreaterThanOrEqual(1);
    const text = await scrape();
    expect(sample(text, 'complaint_bot_sla_breaches_total')).toBe(counts.alerts + counts.escalations);
    expect(sample(text, 'complaint_bot_sla_escalations_total')).toBe(counts.escalations);
    expect(sample(text, 'complaint_bot_job_runs_total', { job: SLA_SWEEP_JOB, outcome: 'ran' })).toBe(1);
    expect(sample(text, 'complaint_bot_job_lag_seconds_count', { job: SLA_SWEEP_JOB })).toBe(1);
    expect(sample(text, 'complaint_bot_job_lag_seconds_sum', { job: SLA_SWEEP_JOB })).toBeLessThan(60); // the slot is this minute
  });

  it('keeps one registry per bot: another bot in the process has its own counts', async () => {
    const other = new BotMetrics(h.bot.ctx.db, { log: createLogger('silent') });
    const text = (await other.scrape()).body;
    expect(sample(text, 'complaint_bot_inbound_events_total', { platform: 'telegram', kind: 'message' })).toBeUndefined();
    expect(sample(text, 'complaint_bot_complaints', { status: 'accepted', department: 'cs' })).toBe(1); // the same database
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(await scrape(), 'complaint_bot_inbound_events_total', { platform: 'telegram', kind: 'message' })).toBe(1);
  });
});
