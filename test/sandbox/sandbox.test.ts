/**
 * The sandbox composition over its JSON API (no browser): every platform address the bot uses is on
 * this machine and every request the process makes stays here (a request to a real platform host is
 * refused); time controls run each scheduled slot once, with the production (job, slot) claim; reset
 * starts over with an empty database.
 */
import { mkdtempSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/start-sandbox.ts';
import { createLogger } from '../../src/logger.ts';
import { exampleConfig } from '../support/context.ts';
import { WEEKLY_DIGEST_JOB } from '../../src/app/reports/send-weekly-digest.ts';

describe('the sandbox', { timeout: 120_000 }, () => {
  let sandbox: RunningSandbox;
  const api = async (route: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${sandbox.port}${route}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as any };
  };
  const until = async <T>(what: string, check: () => Promise<T | undefined | null | false> | T | undefined | null | false): Promise<T> => {
    for (let i = 0; i < 600; i++) {
      const v = await check();
      if (v) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    sandbox = await startSandbox({
      config: exampleConfig(),
      log: createLogger(process.env.E2E_LOG ?? 'silent'),
      port: 0,
      dataDir: mkdtempSync(path.join(tmpdir(), 'complaint-bot-sandbox-')),
      start: new Date('2026-12-01T02:00:00Z'), // Tuesday 10:00 in Shanghai
    });
  }, 120_000);
  afterAll(async () => sandbox?.stop());

  it('serves the page and its files from the bot’s own server', async () => {
    for (const route of ['/', '/sandbox/app.js', '/sandbox/card-renderer.js', '/sandbox/vendor/preact.mjs', '/sandbox/vendor/hooks.mjs', '/sandbox/vendor/htm.mjs']) {
      const res = await fetch(`http://127.0.0.1:${sandbox.port}${route}`);
      expect(res.status, route).toBe(200);
    }
    expect((await api('/healthz')).json.channels).toEqual({ telegram: true, feishu: true, wechat: 'official-account' });
  });

  it('answers bad requests with 400 and a readable error', async () => {
    expect(await api('/sandbox/api/customer/say', { customer: 'nobody', text: 'hi' })).toEqual({ status: 400, json: { error: 'no customer nobody' } });
    expect((await api('/sandbox/api/time', { step: 'year' })).status).toBe(400);
    expect((await api('/sandbox/api/customers', { channel: 'telegram', name: '', language: 'zh' })).json.error).toMatch(/^name: /);
    const res = await fetch(`http://127.0.0.1:${sandbox.port}/sandbox/api/feishu/say`, { method: 'POST', body: '{not json' });
    expect(res.status).toBe(400);
  });

  it('customers and staff reach the real bot through the emulators, and every request stays on this machine', async () => {
    const { json: state } = await api('/sandbox/api/state');
    const tg = state.customers.find((c: { channel: string }) => c.channel === 'telegram');
    const wx = state.customers.find((c: { channel: string }) => c.channel === 'wechat');
    await api('/sandbox/api/customer/say', { customer: tg.id, text: '/start' });
    await api('/sandbox/api/customer/say', { customer: wx.id, text: '投诉' });
    await api('/sandbox/api/feishu/say', { chatId: 'oc_cs_group', operator: 'ou_cs_agent_1', text: '/open' });
    await until('answers on all three platforms', async () => {
      const s = (await api('/sandbox/api/state')).json;
      const tgBot = s.customers.find((c: { id: string }) => c.id === tg.id).messages.some((m: { from: string }) => m.from === 'bot');
      const wxMenu = s.customers.find((c: { id: string }) => c.id === wx.id).messages.some((m: { text: string }) => /1\. /.test(m.text));
      const cs = s.groups.find((g: { chatId: string }) => g.chatId === 'oc_cs_group').messages.some((m: { from: string }) => m.from === 'bot');
      return tgBot && wxMenu && cs;
    });
    const w = sandbox.world();
    for (const root of [w.telegram.apiRoot, w.feishu.domain, w.wechat.apiBase]) expect(new URL(root).hostname).toBe('127.0.0.1');
    expect(sandbox.guard.refused).toEqual([]);
    expect([...sandbox.guard.seen].sort()).toEqual(['127.0.0.1']);
  });

  it('adds customers in the language picked: Telegram sends it as language_code, a WeChat customer picks it in the chat', async () => {
    const tg = (await api('/sandbox/api/customers', { channel: 'telegram', name: 'Tom Baker', language: 'en' })).json;
    const wx = (await api('/sandbox/api/customers', { channel: 'wechat', name: 'Ann', language: 'en' })).json;
    expect(wx.messages).toBeUndefined();
    await api('/sandbox/api/customer/say', { customer: tg.id, text: '/help' });
    const s = await until('both answered in English', async () => {
      const state = (await api('/sandbox/api/state')).json;
      const texts = (id: string) => state.customers.find((c: { id: string }) => c.id === id).messages.map((m: { text: string }) => m.text).join('\n');
      return /complaint/i.test(texts(tg.id)) && texts(wx.id).includes('I will speak English') && state;
    });
    expect(s.customers.map((c: { name: string; language: string; channel: string }) => `${c.channel} ${c.name} ${c.language}`)).toEqual(expect.arrayContaining(['telegram Tom Baker en', 'wechat Ann en']));
    const ann = await sandbox.world().bot.ctx.db.customer.findFirstOrThrow({ where: { platform: 'wechat', platformUserId: wx.openId } });
    expect(ann.language).toBe('en');
  });

  it('refuses any request to a real platform host before it connects', async () => {
    await expect(fetch('https://api.telegram.org/bot1:x/getMe')).rejects.toThrow(/sandbox: a request to api.telegram.org was refused/);
    const error = await new Promise<Error>((resolve) => get('http://open.feishu.cn/open-apis/auth/v3/tenant_access_token/internal', () => resolve(new Error('connected'))).on('error', resolve));
    expect(error.message).toMatch(/sandbox: a request to open.feishu.cn was refused/);
    expect(sandbox.guard.refused).toEqual(['api.telegram.org /bot1:x/getMe', 'open.feishu.cn /open-apis/auth/v3/tenant_access_token/internal']);
    sandbox.guard.refused.length = 0;
  });

  it('moving to the next digest runs the weekly digest slot once, with the production claim', async () => {
    const { json } = await api('/sandbox/api/time', { step: 'digest' });
    expect(json.now - Date.parse('2026-12-07T01:00:00Z')).toBeGreaterThanOrEqual(0); // Monday 09:00 in Shanghai (and on: the clock runs)
    expect(json.now - Date.parse('2026-12-07T01:00:00Z')).toBeLessThan(60_000);
    const db = sandbox.world().bot.ctx.db;
    expect(await db.jobRun.findMany({ where: { job: WEEKLY_DIGEST_JOB }, select: { slot: true } })).toEqual([{ slot: '2026-12-07T01:00Z' }]);
    const managers = sandbox.world().feishu.messagesIn('oc_managers_group').filter((m) => m.msgType === 'interactive');
    expect(managers.map((m) => JSON.stringify(m.card))).toEqual([expect.stringContaining('投诉周报 2026-W49')]);
    // the clock shown by the emulators is the same simulated clock
    expect(Math.abs(sandbox.world().feishu.allMessages().at(-1)!.createTime - Date.parse('2026-12-07T01:00:00Z'))).toBeLessThan(60_000);
    const hour = (await api('/sandbox/api/time', { step: 'hour' })).json;
    expect(hour.now - json.now).toBeGreaterThanOrEqual(3600_000);
    expect(await db.jobRun.count({ where: { job: WEEKLY_DIGEST_JOB } })).toBe(1);
  });

  it('reset starts over with an empty database', async () => {
    expect(await sandbox.world().bot.ctx.db.customer.count()).toBeGreaterThan(0);
    const before = sandbox.world();
    expect((await api('/sandbox/api/reset', {})).status).toBe(202);
    await until('a fresh sandbox', () => sandbox.world() !== before && sandbox.world());
    const { json: state } = await until('the page API again', async () => {
      try {
        const r = await api('/sandbox/api/state');
        return r.status === 200 && r;
      } catch {
        return false;
      }
    });
    expect(state.groups.every((g: { messages: unknown[] }) => g.messages.length === 0)).toBe(true);
    expect(await sandbox.world().bot.ctx.db.complaint.count()).toBe(0);
    expect(await sandbox.world().bot.ctx.db.jobRun.count({ where: { job: WEEKLY_DIGEST_JOB } })).toBe(0);
  });
});
