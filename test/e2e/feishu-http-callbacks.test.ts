/**
 * FEISHU_EVENT_MODE=http: card clicks arrive as signed, encrypted HTTP callbacks. Forged, stale,
 * replayed and malformed requests are refused, change nothing, and never take the process down.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postRaw } from '../../src/sandbox/emulators/feishu/index.ts';
import { startHarness, ENCRYPT_KEY, VERIFICATION_TOKEN, type Harness } from '../support/harness.ts';
import { FEISHU_CALLBACK_PATH } from '../../src/bootstrap.ts';
import { fileFor } from './staff-helpers.ts';

describe('Feishu card callbacks over HTTP', () => {
  let h: Harness;
  let url: string;
  let messageId: string;
  let acceptValue: Record<string, unknown>;

  beforeAll(async () => {
    h = await startHarness({ env: { FEISHU_EVENT_MODE: 'http', FEISHU_ENCRYPT_KEY: ENCRYPT_KEY, FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN } });
    url = `http://127.0.0.1:${h.bot.port}${FEISHU_CALLBACK_PATH}`;
    h.feishu.setCallbackUrl(url);
    ({ messageId } = await fileFor(h, { category: 'billing', description: 'Charged for a plan I cancelled.', phone: null }));
    acceptValue = (h.feishu.message(messageId).card as any).body.elements.find((e: any) => e.element_id === 'accept').behaviors[0].value;
  });
  afterAll(async () => h?.stop());

  const status = async () => (await h.bot.ctx.db.complaint.findFirstOrThrow({ where: { category: 'billing' } })).status;
  const event = () => h.feishu.buildCardActionEvent({ messageId, operator: { open_id: 'ou_ops_agent_1' }, value: acceptValue });

  it.each([
    ['a wrong signature', () => ({ ...h.feishu.buildSignedCallback(event(), { encryptKey: 'not-the-key' }) }), 401],
    ['no signature at all', () => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(event()) }), 401],
    ['a timestamp 10 minutes old', () => h.feishu.buildSignedCallback(event(), { timestamp: String(Math.floor(Date.now() / 1000) - 600) }), 401],
    ['a body that is not JSON', () => signedRaw('{{{ not json'), 400],
    ['an encrypt field that is garbage', () => signedRaw(JSON.stringify({ encrypt: 'AAAA$$$$not-base64' })), 400],
    ['an unencrypted event', () => signedRaw(JSON.stringify(event())), 400],
  ])('refuses %s and changes nothing', async (_name, build, expected) => {
    const res = await postRaw(url, build());
    expect(res.status).toBe(expected);
    expect(await status()).toBe('registered');
  });

  function signedRaw(body: string) {
    // sign an arbitrary body with the right key, the way Feishu signs
    const signed = h.feishu.buildSignedCallback(event());
    const ts = signed.headers['X-Lark-Request-Timestamp'] ?? signed.headers['x-lark-request-timestamp']!;
    const nonce = `n-${Math.random()}`;
    const sig = createHash('sha256').update(ts + nonce + ENCRYPT_KEY + body).digest('hex');
    return { headers: { 'content-type': 'application/json', 'X-Lark-Request-Timestamp': ts, 'X-Lark-Request-Nonce': nonce, 'X-Lark-Signature': sig }, body };
  }

  it('accepts a genuine click, and refuses the same request replayed', async () => {
    const req = h.feishu.buildSignedCallback(event());
    const first = await postRaw(url, req);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.text).toast.type).toBe('success');
    expect(await status()).toBe('accepted');
    const replay = await postRaw(url, req);
    expect(replay.status).toBe(401);
  });

  it('a click through the emulator replaces the card in place', async () => {
    const answer = await h.feishu.clickButton({ messageId, operator: { open_id: 'ou_ops_agent_1' }, value: acceptValue, via: 'http' });
    expect(answer.toast?.content).toMatch(/您已于 .* 受理/); // 周婷 accepted it herself just before
  });

  it('answers other paths and methods, and stays healthy', async () => {
    expect((await fetch(url)).status).toBe(405);
    expect((await fetch(`http://127.0.0.1:${h.bot.port}/nope`)).status).toBe(404);
    const health = await fetch(`http://127.0.0.1:${h.bot.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, channels: { telegram: true, feishu: true } });
  });
});
