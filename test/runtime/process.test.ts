/**
 * The real compiled process (dist/src/main.js, built once here if stale), started the way an operator
 * starts it: a busy PORT, two bots on one data folder, Ctrl-C during the first start, `.env`, and an
 * uncaught exception. No channel is configured: these are about the process, not the chats.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEmbeddedDataDir } from '../support/databases.ts';
import { EXAMPLE_CONFIG_PATH } from '../support/context.ts';
import { openDatabase } from '../../src/store/database.ts';
import { readMigrations } from '../../src/store/schema-engine.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'dist/src/main.js');

interface Bot {
  child: ChildProcess;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: Bot[] = [];

/** Starts dist/src/main.js with only these variables (a variable given as undefined is left out). */
function startProcess(env: Record<string, string | undefined>, opts: { cwd?: string; nodeArgs?: string[] } = {}): Bot {
  // SANDBOX=0: no channel has credentials here, and these tests are about the real bot, not the sandbox
  const all = { PATH: process.env.PATH ?? '', CONFIG_FILE: EXAMPLE_CONFIG_PATH, PORT: '0', LOG_LEVEL: 'info', SANDBOX: '0', ...env };
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), MAIN], {
    cwd: opts.cwd ?? ROOT,
    env: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (text += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const bot = { child, out: () => text, exited };
  running.push(bot);
  return bot;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The port the bot logged when it was up ("complaint-bot is running"). */
async function runningPort(bot: Bot): Promise<number> {
  await until('the bot to be running', () => /complaint-bot is running/.test(bot.out()) || bot.child.exitCode !== null);
  const port = /"port":(\d+)[^\n]*complaint-bot is running/.exec(bot.out())?.[1];
  if (!port) throw new Error(`the bot did not start:\n${bot.out()}`);
  return Number(port);
}

function dataDir(seeded: boolean): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'complaint-bot-process-'));
  if (seeded) seedEmbeddedDataDir(dir);
  return dir;
}

beforeAll(() => {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/ensure-build.mjs')], { cwd: ROOT, stdio: 'inherit' });
});

afterAll(async () => {
  for (const bot of running) if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
});

describe('starting the compiled bot', () => {
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '0.0.0.0', r));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => busy.close(() => r())));

  it('a busy PORT is named at once, before any database is opened, and the process exits non-zero', async () => {
    const dir = dataDir(false);
    const bot = startProcess({ PORT: String(busyPort), DATA_DIR: dir });
    const { code } = await bot.exited;
    expect(code).not.toBe(0);
    expect(bot.out()).toContain(`PORT ${busyPort} is in use`);
    expect(existsSync(path.join(dir, 'pglite'))).toBe(false);
    expect(existsSync(path.join(dir, 'pglite.creating'))).toBe(false);
  });

  it('a second bot on the same data folder is refused; after the first dies (SIGKILL) its stale lock is taken over', async () => {
    const dir = dataDir(true);
    const first = startProcess({ DATA_DIR: dir });
    const port = await runningPort(first);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    const second = startProcess({ DATA_DIR: dir });
    const { code } = await second.exited;
    expect(code).not.toBe(0);
    expect(second.out()).toContain(`is in use by another process (pid ${first.child.pid})`);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    first.child.kill('SIGKILL');
    await first.exited;
    const third = startProcess({ DATA_DIR: dir });
    const thirdPort = await runningPort(third);
    expect((await fetch(`http://127.0.0.1:${thirdPort}/healthz`)).status).toBe(200);
    third.child.kill('SIGTERM');
    expect((await third.exited).code).toBe(0);
    expect(existsSync(path.join(dir, 'pglite.lock'))).toBe(false);
  });

  it('Ctrl-C while the first start creates the embedded database, then a normal start: the bot runs on a fully migrated database', async () => {
    const dir = dataDir(false);
    const first = startProcess({ DATA_DIR: dir });
    // initdb done, migrations running: the moment that used to leave a "failed migration" behind
    await until('the database to be created', () => existsSync(path.join(dir, 'pglite.creating/PG_VERSION')) || first.child.exitCode !== null, 170_000);
    first.child.kill('SIGINT');
    const stopped = await first.exited;
    expect(stopped.code === 130 || stopped.signal === 'SIGINT' || /complaint-bot is running/.test(first.out())).toBe(true);

    const again = startProcess({ DATA_DIR: dir });
    const port = await runningPort(again);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
    expect(existsSync(path.join(dir, 'pglite.creating'))).toBe(false);

    const db = await openDatabase({ dataDir: path.join(dir, 'pglite') });
    try {
      const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string; finished_at: Date | null }[]>('SELECT migration_name, finished_at FROM _prisma_migrations');
      expect(rows.map((r) => r.migration_name).sort()).toEqual(readMigrations().migrationDirectories.map((d) => d.path));
      expect(rows.every((r) => r.finished_at)).toBe(true);
    } finally {
      await db.close();
    }
  }, 300_000);

  it('reads .env from the working directory; variables already set win over it', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'complaint-bot-dotenv-'));
    writeFileSync(path.join(cwd, '.env'), `# a comment\nCONFIG_FILE=${path.join(cwd, 'from-dotenv.yaml')}\nDATA_DIR=${cwd}/data\n`);
    const fromFile = startProcess({ CONFIG_FILE: undefined }, { cwd });
    expect((await fromFile.exited).code).toBe(78);
    expect(fromFile.out()).toContain('from-dotenv.yaml');

    const envWins = startProcess({ PORT: String(busyPort) }, { cwd });
    expect((await envWins.exited).code).not.toBe(0);
    expect(envWins.out()).toContain(`PORT ${busyPort} is in use`);
  });
});

describe('a fault inside the running bot', () => {
  // A module preloaded with --import throws once main.ts has installed its handlers: a real uncaught fault.
  const inject = (code: string) => `data:text/javascript,${encodeURIComponent(`const t = setInterval(() => { if (process.listenerCount('uncaughtException') > 0 && process.listenerCount('SIGTERM') > 0) { clearInterval(t); ${code} } }, 20);`)}`;

  it('an uncaught exception is logged and ends the process with a non-zero code', async () => {
    const bot = startProcess({ DATA_DIR: dataDir(true) }, { nodeArgs: ['--import', inject(`setTimeout(() => { throw new Error('injected fault'); }, 0);`)] });
    const { code } = await bot.exited;
    expect(code).toBe(70);
    expect(bot.out()).toMatch(/"level":60[^\n]*injected fault[^\n]*uncaught exception/);
  });

  it('an unhandled rejection is logged and ends the process with a non-zero code', async () => {
    const bot = startProcess({ DATA_DIR: dataDir(true) }, { nodeArgs: ['--import', inject(`Promise.reject(new Error('injected rejection'));`)] });
    const { code } = await bot.exited;
    expect(code).toBe(70);
    expect(bot.out()).toMatch(/"level":60[^\n]*injected rejection[^\n]*unhandled rejection/);
  });
});
