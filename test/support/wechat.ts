/**
 * The real bot wiring (startBot) with the WeChat official-account channel against the WeChat emulator,
 * optionally with the Feishu emulator, on PGlite or PostgreSQL, sharing one controllable clock.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WechatEmulator } from '../../src/sandbox/emulators/wechat/index.ts';
import { FeishuEmulator } from '../../src/sandbox/emulators/feishu/index.ts';
import { startBot, type RunningBot } from '../../src/bootstrap.ts';
import { loadEnv } from '../../src/config/load.ts';
import type { AppConfig } from '../../src/config/schema.ts';
import { WECHAT_OA_PATH } from '../../adapters/wechat/official-account.ts';
import { createLogger } from '../../src/logger.ts';
import { exampleConfig, TestClock } from './context.ts';
import { seedEmbeddedDataDir } from './databases.ts';
import { APP_ID as FEISHU_APP_ID, APP_SECRET as FEISHU_APP_SECRET, ENCRYPT_KEY, VERIFICATION_TOKEN } from './harness.ts';

export const OA_APP_ID = 'wx0123456789abcdef';
export const OA_APP_SECRET = '0123456789abcdef0123456789abcdef';
export const OA_TOKEN = 'complaintbotToken1';
export const OA_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

export interface WechatHarness {
  wechat: WechatEmulator;
  feishu?: FeishuEmulator;
  bot: RunningBot;
  clock: TestClock;
  restart(): Promise<RunningBot>;
  stop(): Promise<void>;
}

export async function startWechatHarness(
  opts: { safeMode?: boolean; databaseUrl?: string; feishu?: boolean; config?: (base: AppConfig) => AppConfig; templates?: string[]; clock?: TestClock } = {},
): Promise<WechatHarness> {
  const clock = opts.clock ?? new TestClock(new Date());
  const wechat = new WechatEmulator({ appId: OA_APP_ID, appSecret: OA_APP_SECRET, token: OA_TOKEN, ...(opts.safeMode ? { aesKey: OA_AES_KEY } : {}), templates: opts.templates, now: clock.now });
  await wechat.start();
  let feishu: FeishuEmulator | undefined;
  if (opts.feishu) {
    feishu = new FeishuEmulator({ appId: FEISHU_APP_ID, appSecret: FEISHU_APP_SECRET, encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN });
    await feishu.start();
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'complaint-bot-wechat-'));
  if (!opts.databaseUrl) seedEmbeddedDataDir(dataDir);
  const env = loadEnv({
    PORT: '0',
    DATA_DIR: dataDir,
    WECHAT_OA_APP_ID: OA_APP_ID,
    WECHAT_OA_APP_SECRET: OA_APP_SECRET,
    WECHAT_OA_TOKEN: OA_TOKEN,
    ...(opts.safeMode ? { WECHAT_OA_AES_KEY: OA_AES_KEY } : {}),
    WECHAT_API_BASE: wechat.apiBase,
    ...(feishu ? { FEISHU_APP_ID, FEISHU_APP_SECRET, FEISHU_DOMAIN: feishu.domain } : {}),
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
  });
  const config = opts.config ? opts.config(exampleConfig()) : exampleConfig();
  const boot = async () => {
    const bot = await startBot({ env, config, log: createLogger(process.env.E2E_LOG ?? 'silent'), now: clock.now, outboxPollMs: 100, jobs: false });
    wechat.botUrl = `http://127.0.0.1:${bot.port}${WECHAT_OA_PATH}`;
    return bot;
  };
  const harness: WechatHarness = {
    wechat,
    feishu,
    clock,
    bot: await boot(),
    async restart() {
      await harness.bot.stop();
      harness.bot = await boot();
      return harness.bot;
    },
    async stop() {
      await harness.bot.stop();
      await wechat.stop();
      await feishu?.stop();
    },
  };
  return harness;
}

/** Waits until `check` returns something truthy (polling the database or the emulator), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
