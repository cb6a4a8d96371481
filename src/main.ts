/**
 * The process entry (`npm start` runs its compiled form, dist/src/main.js): reads `.env` when present,
 * the environment and the config file, starts the bot (or the sandbox when no channel has credentials), and stops it cleanly on SIGINT/SIGTERM within
 * SHUTDOWN_TIMEOUT. An uncaught exception or unhandled rejection is logged and ends the process with a
 * non-zero code, so a supervisor (systemd) restarts it: the outbox and the inbox keep what was stored.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfigFile, loadEnv, ConfigError } from './config/load.ts';
import { createLogger, type Logger } from './logger.ts';
import { startBot } from './bootstrap.ts';
import { chooseStartMode } from './sandbox/mode.ts';

/** Variables already in the environment win over the file (Node's own loader, no dependency). */
function loadDotEnv(): void {
  const file = process.env.ENV_FILE ?? '.env';
  if (existsSync(file)) process.loadEnvFile(file);
  else if (process.env.ENV_FILE) throw new ConfigError('cannot read the environment file', [`ENV_FILE: ${file} does not exist`]);
}

/** Logs, flushes the log, and ends the process with `code`. */
function exitAfterLog(log: Logger, code: number): void {
  const end = () => process.exit(code);
  setTimeout(end, 500).unref();
  log.flush(() => end());
}

async function main(): Promise<void> {
  let env, config;
  try {
    loadDotEnv(); // first: credentials in .env decide between the sandbox and the real bot
  } catch (error) {
    console.error(`complaint-bot cannot start: ${(error as Error).message}`);
    process.exit(78); // EX_CONFIG
  }
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
  const fatal = (kind: string) => (error: unknown) => {
    log.fatal({ err: error }, `${kind}: stopping (a supervisor should restart the bot)`);
    exitAfterLog(log, 70); // EX_SOFTWARE
  };
  process.on('uncaughtException', fatal('uncaught exception'));
  process.on('unhandledRejection', fatal('unhandled rejection'));

  const deadlineMs = env.SHUTDOWN_TIMEOUT * 1000;
  let bot: { stop(): Promise<void> } | undefined;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!bot) {
      // Nothing is half-made by stopping now: a new embedded database is only renamed into place once migrated.
      log.warn({ signal }, 'stopped during start-up');
      return exitAfterLog(log, 130);
    }
    if (stopping) {
      log.warn({ signal }, `already stopping: waiting for the work in flight (at most SHUTDOWN_TIMEOUT=${env.SHUTDOWN_TIMEOUT}s)`);
      return;
    }
    stopping = true;
    log.info({ signal, timeoutSeconds: env.SHUTDOWN_TIMEOUT }, 'stopping');
    const timer = setTimeout(() => {
      log.error({ timeoutSeconds: env.SHUTDOWN_TIMEOUT }, 'shutdown did not finish within SHUTDOWN_TIMEOUT: exiting anyway');
      exitAfterLog(log, 1);
    }, deadlineMs);
    timer.unref();
    bot.stop().then(
      () => {
        clearTimeout(timer);
        log.info('stopped');
        exitAfterLog(log, 0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        exitAfterLog(log, 1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  log.info({ config: env.CONFIG_FILE }, 'starting complaint-bot');
  // No credentials of any channel (or SANDBOX=1): the whole product on emulated platforms, in a page.
  bot = mode.sandbox
    ? await (await import('./sandbox/start-sandbox.ts')).runSandbox({ config, log, port: env.PORT, dataDir: path.join(env.DATA_DIR, 'sandbox'), logLevel: env.LOG_LEVEL })
    : await startBot({ env, config, log, drainMs: deadlineMs / 2 });
}

main().catch((error: unknown) => {
  console.error('complaint-bot failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
