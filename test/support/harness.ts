/**
 * Starts the real bot wiring (startBot) against the Telegram and Feishu emulators, on PGlite or PostgreSQL.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import { TelegramEmulator, DEFAULT_TOKEN } from '../../src/sandbox/emulators/telegram/index.ts';
import { FeishuEmulator } from '../../src/sandbox/emulators/feishu/index.ts';
import { startBot, type RunningBot } from '../../src/bootstrap.ts';
import { loadEnv } from '../../src/config/load.ts';
import { createLogger } from '../../src/logger.ts';
import { exampleConfig } from './context.ts';
import { freshPostgresUrl, seedEmbeddedDataDir } from './databases.ts';

export const APP_ID = 'cli_a1b2c3d4e5f60718';
export const APP_SECRET = 'emulated-secret';
export const ENCRYPT_KEY = 'test-encrypt-key';
export const VERIFICATION_TOKEN = 'test-verification-token';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The emulator has no per-chat limit; tests do not wait a second per answer past the first ten (bootstrap's telegramPerChat). */
export const TEST_TELEGRAM_PER_CHAT = { burst: 10, perSecond: 50 };

export interface Harness {
  telegram: TelegramEmulator;
  feishu: FeishuEmulator;
  bot: RunningBot;
  dataDir: string;
  env: Record<string, string>;
  restart(): Promise<RunningBot>;
  stop(): Promise<void>;
}

/** `jobs`: run the scheduled jobs (SLA sweep, reports) on the real clock; off by default so their texts do not mix into other tests. */
/** `now`: the bot's clock (default the real one), e.g. to keep a burst of messages inside one minute. */
export async function startHarness(opts: { env?: Record<string, string>; databaseUrl?: string; jobs?: boolean; now?: () => Date } = {}): Promise<Harness> {
  const telegram = new TelegramEmulator();
  await telegram.start();
  const feishu = new FeishuEmulator({ appId: APP_ID, appSecret: APP_SECRET, encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN });
  await feishu.start();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'complaint-bot-e2e-'));
  if (!opts.databaseUrl) seedEmbeddedDataDir(dataDir);
  const env: Record<string, string> = {
    PORT: '0',
    DATA_DIR: dataDir,
    TELEGRAM_BOT_TOKEN: DEFAULT_TOKEN,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    FEISHU_APP_ID: APP_ID,
    FEISHU_APP_SECRET: APP_SECRET,
    FEISHU_DOMAIN: feishu.domain,
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...opts.env,
  };
  const config = exampleConfig();
  const boot = () => startBot({ env: loadEnv(env), config, log: createLogger(process.env.E2E_LOG ?? 'silent'), outboxPollMs: 200, jobs: opts.jobs ?? false, telegramPerChat: TEST_TELEGRAM_PER_CHAT, ...(opts.now ? { now: opts.now } : {}) });
  const harness: Harness = {
    telegram,
    feishu,
    bot: await boot(),
    dataDir,
    env,
    async restart() {
      await harness.bot.stop();
      harness.bot = await boot();
      return harness.bot;
    },
    async stop() {
      await harness.bot.stop();
      await telegram.stop();
      await feishu.stop();
    },
  };
  return harness;
}

/** A database to run the whole bot on: PGlite always, PostgreSQL too when TEST_DATABASE_URL is set. */
export interface HarnessKind {
  name: string;
  setup(): Promise<{ databaseUrl?: string; cleanup(): Promise<void> }>;
}

export function harnessKinds(): HarnessKind[] {
  const kinds: HarnessKind[] = [{ name: 'pglite', setup: async () => ({ cleanup: async () => {} }) }];
  if (process.env.TEST_DATABASE_URL)
    kinds.push({
      name: 'postgresql',
      setup: async () => {
        const db = (await freshPostgresUrl())!;
        return { databaseUrl: db.url, cleanup: db.drop };
      },
    });
  return kinds;
}
