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
 * Prints a table; never asserts. Targets: ready in under 3 s on an existing data folder, idle under 150 MB.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
}

/** What `npm start` runs (package.json): node with a small young generation (see docs/throughput.md, "Memory"). */
const NODE_FLAGS = ['--max-semi-space-size=2'];

const RUNTIMES: Runtime[] = [
  { name: 'compiled, as npm start runs it', command: [process.execPath, ...NODE_FLAGS, path.join(ROOT, 'dist/src/main.js')] },
  { name: 'compiled, V8 default heap sizes', command: [process.execPath, path.join(ROOT, 'dist/src/main.js')] },
  { name: 'tsx (tsx src/main.ts)', command: [process.execPath, path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'src/main.ts')] },
];

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
  for (const runtime of RUNTIMES) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'complaint-bot-bench-runtime-'));
    const env = { ...baseEnv, DATA_DIR: dataDir };
    try {
      console.error(`${runtime.name}: fresh data folder…`);
      const fresh = await startBot(runtime, env, wechat);
      await stopBot(fresh);
      console.error(`${runtime.name}: existing data folder…`);
      const bot = await startBot(runtime, env, wechat);
      console.error(`${runtime.name}: idle ${IDLE_SECONDS} s…`);
      await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
      const idle = treeMemoryMb(bot.child.pid!);
      console.error(`${runtime.name}: filing ${COMPLAINTS} complaints…`);
      const filingMs = await fileComplaints(telegram, feishu, COMPLAINTS, runtime.name.split(' ')[0]!);
      const loaded = treeMemoryMb(bot.child.pid!);
      await stopBot(bot);
      rows[runtime.name] = {
        'fresh: /healthz': fmtS(fresh.healthMs),
        'fresh: /readyz': fmtS(fresh.readyMs),
        'existing: /healthz': fmtS(bot.healthMs),
        'existing: /readyz': fmtS(bot.readyMs),
        [`idle ${IDLE_SECONDS} s: RSS (PSS)`]: `${fmtMb(idle.rss)} (${fmtMb(idle.pss)})`,
        [`after ${COMPLAINTS} complaints: RSS (PSS)`]: `${fmtMb(loaded.rss)} (${fmtMb(loaded.pss)})`,
        [`filing ${COMPLAINTS}`]: `${(filingMs / 1000).toFixed(0)} s`,
      };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
} finally {
  await telegram.stop();
  await feishu.stop();
  await wechat.stop();
}
console.log(`bench:runtime — all three channels against the emulators, PGlite, ${CONCURRENCY} customers at a time; targets: existing /readyz < 3 s, idle RSS < 150 MB`);
console.table(rows);
