/** `npm start`: reads the environment and the config file, starts the bot, stops cleanly on SIGINT/SIGTERM. */
import path from 'node:path';
import { loadConfigFile, loadEnv, ConfigError } from './config/load.ts';
import { createLogger } from './logger.ts';
import { startBot } from './bootstrap.ts';
import { chooseStartMode } from './sandbox/mode.ts';

async function main(): Promise<void> {
  let env, config;
  const mode = chooseStartMode(process.env);
  if ('error' in mode) {
    console.error(`complaint-bot cannot start: ${mode.error}`);
    process.exit(78); // EX_CONFIG
  }
  try {
    env = loadEnv();
    config = loadConfigFile(env.CONFIG_FILE);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`complaint-bot cannot start: ${error.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const log = createLogger(env.LOG_LEVEL);
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection (the bot keeps running)'));
  process.on('uncaughtException', (error) => log.error({ err: error }, 'uncaught exception (the bot keeps running)'));
  log.info({ config: env.CONFIG_FILE }, 'starting complaint-bot');
  // No credentials of any channel (or SANDBOX=1): the whole product on emulated platforms, in a page.
  const bot = mode.sandbox
    ? await (await import('./sandbox/start-sandbox.ts')).runSandbox({ config, log, port: env.PORT, dataDir: path.join(env.DATA_DIR, 'sandbox'), logLevel: env.LOG_LEVEL })
    : await startBot({ env, config, log });
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'stopping');
    await bot.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('complaint-bot failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
