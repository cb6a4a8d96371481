/**
 * TELEGRAM_WEBHOOK_URL set: the bot registers the webhook with its secret, Telegram pushes updates to
 * it, and a push without the secret is refused. A 429 from Telegram delays a message; it is not lost.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, startHarness, type Harness } from '../support/harness.ts';

describe('Telegram over a webhook', () => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    h = await startHarness({
      env: { PORT: String(port), TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`, TELEGRAM_WEBHOOK_SECRET: 'sekret-123' },
    });
  });
  afterAll(async () => h?.stop());

  it('registers the webhook with its secret token and answers pushed updates', async () => {
    const set = h.telegram.calls.find((c) => c.method === 'setWebhook');
    expect(set?.params).toMatchObject({ url: `http://127.0.0.1:${port}/telegram/hook`, secret_token: 'sekret-123' });
    const user = h.telegram.createUser({ first_name: 'Sun', language_code: 'en' });
    h.telegram.sendText(user, '/start');
    const answer = await h.telegram.nextBotCall('sendMessage', { chatId: user.id });
    expect(String(answer.params.text)).toMatch(/complaint service/);
    expect(h.telegram.stats.getUpdates).toBe(0);
  });

  it('refuses a push without the secret header', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/telegram/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ update_id: 999999, message: { message_id: 1, date: 0, chat: { id: 5, type: 'private' }, from: { id: 5, is_bot: false, first_name: 'Forger' }, text: '/complain' } }),
    });
    expect(res.status).toBe(401);
    const bad = await fetch(`http://127.0.0.1:${port}/telegram/hook`, { method: 'POST', headers: { 'X-Telegram-Bot-Api-Secret-Token': 'sekret-123', 'content-type': 'application/json' }, body: '{not json' });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('a 429 with retry_after delays the answer; nothing is lost', async () => {
    const user = h.telegram.createUser({ first_name: 'Zhao', language_code: 'en' });
    h.telegram.failNext('sendMessage', { error_code: 429, retry_after: 1 });
    h.telegram.sendText(user, '/help');
    const first = await h.telegram.nextBotCall('sendMessage', { chatId: user.id });
    expect(first.error?.error_code).toBe(429);
    const second = await h.telegram.nextBotCall('sendMessage', { chatId: user.id, timeoutMs: 10_000 });
    expect(second.error).toBeUndefined();
    expect(String(second.params.text)).toMatch(/complaint service/);
    await vi.waitFor(async () => {
      const row = await h.bot.ctx.db.outboxMessage.findFirstOrThrow({ where: { target: String(user.id) } });
      expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    });
  });
});
