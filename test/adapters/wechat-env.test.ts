/** WeChat's environment variables: readable validation, and the startup log when the channel is off. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv, parseConfig } from '../../src/config/load.ts';
import { startBot } from '../../src/bootstrap.ts';
import { exampleConfig } from '../support/context.ts';
import { OA_AES_KEY, OA_APP_ID, OA_APP_SECRET, OA_TOKEN } from '../support/wechat.ts';

const OA = { WECHAT_OA_APP_ID: OA_APP_ID, WECHAT_OA_APP_SECRET: OA_APP_SECRET, WECHAT_OA_TOKEN: OA_TOKEN };

function problems(env: Record<string, string>): string[] {
  try {
    loadEnv(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('WeChat environment', () => {
  it('takes a complete official-account setup (with or without safe mode) and defaults the API base', () => {
    expect(loadEnv(OA)).toMatchObject({ ...OA, WECHAT_API_BASE: 'https://api.weixin.qq.com' });
    expect(loadEnv({ ...OA, WECHAT_OA_AES_KEY: OA_AES_KEY, WECHAT_API_BASE: 'http://127.0.0.1:9000' })).toMatchObject({ WECHAT_OA_AES_KEY: OA_AES_KEY, WECHAT_API_BASE: 'http://127.0.0.1:9000' });
    expect(loadEnv({ WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_TOKEN: 'puppet_workpro_abc' })).toMatchObject({ WECHATY_PUPPET: 'wechaty-puppet-service' });
    expect(loadEnv({ WECHATY_PUPPET: '@juzibot/wechaty-puppet-wxwork' }).WECHATY_PUPPET).toBe('@juzibot/wechaty-puppet-wxwork');
    expect(loadEnv({}).WECHAT_OA_APP_ID).toBeUndefined();
  });

  it('names what is missing when the official account is half configured', () => {
    expect(problems({ WECHAT_OA_APP_ID: OA_APP_ID })).toEqual([expect.stringContaining('missing: WECHAT_OA_APP_SECRET, WECHAT_OA_TOKEN')]);
    expect(problems({ WECHAT_OA_AES_KEY: OA_AES_KEY })).toEqual([expect.stringContaining('missing: WECHAT_OA_APP_ID, WECHAT_OA_APP_SECRET, WECHAT_OA_TOKEN')]);
  });

  it('says what a malformed value should look like', () => {
    expect(problems({ ...OA, WECHAT_OA_APP_ID: 'gh_123' })).toEqual([expect.stringMatching(/^WECHAT_OA_APP_ID: .*"wx" and 16 hex digits/)]);
    expect(problems({ ...OA, WECHAT_OA_APP_SECRET: 'short' })).toEqual([expect.stringMatching(/^WECHAT_OA_APP_SECRET: .*32-character/)]);
    expect(problems({ ...OA, WECHAT_OA_TOKEN: 'a b' })).toEqual([expect.stringMatching(/^WECHAT_OA_TOKEN: .*3–32 letters or digits/)]);
    expect(problems({ ...OA, WECHAT_OA_AES_KEY: 'abc' })).toEqual([expect.stringMatching(/^WECHAT_OA_AES_KEY: .*43-character/)]);
    expect(problems({ WECHAT_API_BASE: 'api.weixin.qq.com' })).toEqual([expect.stringMatching(/^WECHAT_API_BASE: .*URL/)]);
    expect(problems({ WECHATY_PUPPET: 'not a package!' })).toEqual([expect.stringMatching(/^WECHATY_PUPPET: .*puppet package name/)]);
  });

  it('refuses the unsafe official-account puppet, two WeChat transports at once, and a token without a puppet', () => {
    expect(problems({ WECHATY_PUPPET: 'wechaty-puppet-official-account' })).toEqual([expect.stringContaining('set WECHAT_OA_APP_ID')]);
    expect(problems({ ...OA, WECHATY_PUPPET: 'wechaty-puppet-service' })).toEqual([expect.stringContaining('either on a Wechaty puppet or on the official account')]);
    expect(problems({ WECHATY_PUPPET_TOKEN: 'x' })).toEqual([expect.stringContaining('WECHATY_PUPPET is not')]);
  });

  it('takes template ids or templates with fields, and names a bad field name', () => {
    const base = exampleConfig() as unknown as Record<string, unknown>;
    const ok = parseConfig({ ...base, wechat: { templates: { resolution: 'tpl_a', rating: { id: 'tpl_b', data: { keyword1: '{number}' } } } } }, 'test');
    expect(ok.wechat.templates).toEqual({ resolution: 'tpl_a', rating: { id: 'tpl_b', data: { keyword1: '{number}' } } });
    expect(parseConfig(base, 'test').wechat.templates).toEqual({});
    expect(() => parseConfig({ ...base, wechat: { templates: { rating: { id: 'x', data: { 'not ok': 'y' } } } } }, 'test')).toThrow(/wechat\.templates\.rating/);
  });
});

describe('WeChat off', () => {
  it('the bot starts without WeChat and its startup log says which variables turn it on', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const env = loadEnv({ PORT: '0', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'complaint-bot-wechat-off-')) });
    const bot = await startBot({ env, config: exampleConfig(), log, pgliteDir: 'memory://', jobs: false });
    await bot.stop();
    expect(bot.wechat).toBeUndefined();
    const off = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).find((l) => l.msg.startsWith('WeChat is off'));
    expect(off?.level).toBe(40);
    for (const name of ['WECHAT_OA_APP_ID', 'WECHAT_OA_APP_SECRET', 'WECHAT_OA_TOKEN', 'WECHAT_OA_AES_KEY', 'WECHATY_PUPPET', 'WECHATY_PUPPET_TOKEN']) expect(off?.msg).toContain(name);
  });
});
