/**
 * `npm run bench:intake`: N customers at once each file a complaint through the whole guided Telegram
 * conversation (/complain → category → subject → description → when → wish → phone → reply time →
 * photos → confirm), against the bot wired by startBot (jobs on, production outbox poll) talking to the
 * Telegram and Feishu emulators in this process. Feishu's limits are enforced by a proxy in front of its
 * emulator: 5 messages a second per group and 50 a second per app, a 429 (code 99991400) past them.
 * The reference: a bare grammY echo bot (built-in polling) against its own Telegram emulator in the same
 * process, driven by the same N customers with the same number of messages.
 *
 * Runs on PGlite (a folder on disk, the embedded default) and on PostgreSQL (its own database created
 * on BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/postgres, dropped after).
 * Then the idle resident memory of `npm start`'s process tree on the embedded default.
 *
 * BENCH_N=50,200,500 (default) sets the crowds; BENCH_DB=pglite|postgresql|both (default both);
 * BENCH_IDLE=0 skips the idle-memory run. Quick: BENCH_N=50 npm run bench:intake.
 * Prints figures; asserts nothing about speed.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Bot } from 'grammy';
import type { Message, User } from 'grammy/types';
import { TelegramEmulator, DEFAULT_TOKEN } from '../src/sandbox/emulators/telegram/index.ts';
import type { BotCall } from '../src/sandbox/emulators/telegram/types.ts';
import { FeishuEmulator } from '../src/sandbox/emulators/feishu/index.ts';
import { startBot, type RunningBot } from '../src/bootstrap.ts';
import { loadConfigFile, loadEnv } from '../src/config/load.ts';
import { createLogger } from '../src/logger.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const CONFIG_FILE = path.join(ROOT, 'complaint-bot.example.yaml');
const BASE = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const CROWDS = (process.env.BENCH_N ?? '50,200,500').split(',').map(Number).filter((n) => n > 0);
const DBS = (process.env.BENCH_DB ?? 'both') === 'both' ? ['pglite', 'postgresql'] : [process.env.BENCH_DB!];
const APP_ID = 'cli_a1b2c3d4e5f60718';
const APP_SECRET = 'bench-secret';
const ECHO_TOKEN = '987654321:AAE-echo-bot-for-the-benchmark';
const PER_GROUP = 5;
const PER_APP = 50;
const STEP_TIMEOUT_MS = 180_000;
/** Spread over four departments' groups (no category that asks for an address: every customer takes the same steps). */
const CATEGORIES = ['service', 'quality', 'billing', 'network'];

// ------------------------------------------------------------------------------------------ helpers

function quantile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Waits for the bot's messages per chat (the emulator's own nextBotCall scans every call: too slow for thousands). */
class ChatInbox {
  private readonly queues = new Map<string, BotCall[]>();
  private readonly waiters = new Map<string, (call: BotCall) => void>();
  readonly off: () => void;
  constructor(emu: TelegramEmulator) {
    this.off = emu.onCall((call) => {
      if (call.method !== 'sendMessage') return;
      const chat = String(call.params.chat_id);
      const waiter = this.waiters.get(chat);
      if (waiter) {
        this.waiters.delete(chat);
        waiter(call);
      } else this.queues.set(chat, [...(this.queues.get(chat) ?? []), call]);
    });
  }
  next(chat: number): Promise<BotCall> {
    const queued = this.queues.get(String(chat));
    if (queued?.length) return Promise.resolve(queued.shift()!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(String(chat));
        reject(new Error(`no answer in chat ${chat} within ${STEP_TIMEOUT_MS} ms`));
      }, STEP_TIMEOUT_MS);
      this.waiters.set(String(chat), (call) => {
        clearTimeout(timer);
        resolve(call);
      });
    });
  }
}

/**
 * Feishu's message limits in front of its emulator: 5 a second into one group (sends and thread replies,
 * shared by all bots), 50 a second for the app (all message calls). Past them: HTTP 429, code 99991400.
 */
class FeishuLimitProxy {
  private server: http.Server | undefined;
  private readonly perChat = new Map<string, number[]>();
  private app: number[] = [];
  readonly delivered = new Map<string, number[]>();
  refused = 0;
  constructor(private readonly emu: FeishuEmulator) {}

  get domain(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const target = new URL(this.emu.domain);
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const chat = this.chatOf(req.method ?? 'GET', req.url ?? '/', body);
        const isMessage = (req.url ?? '').startsWith('/open-apis/im/v1/messages');
        if (isMessage && !this.admit(chat)) {
          this.refused++;
          res.writeHead(429, { 'content-type': 'application/json', 'x-ogw-ratelimit-limit': String(chat ? PER_GROUP : PER_APP), 'x-ogw-ratelimit-reset': '1' });
          res.end(JSON.stringify({ code: 99991400, msg: 'request trigger frequency limit' }));
          return;
        }
        const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent }, (up) => {
          if (chat && up.statusCode === 200) this.delivered.set(chat, [...(this.delivered.get(chat) ?? []), performance.now()]);
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        upstream.on('error', () => res.writeHead(502).end());
        upstream.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  /** The group a message call posts into (sends and thread replies), or undefined (updates, uploads…). */
  private chatOf(method: string, url: string, body: Buffer): string | undefined {
    if (method !== 'POST') return undefined;
    const u = new URL(url, 'http://x');
    if (u.pathname === '/open-apis/im/v1/messages' && u.searchParams.get('receive_id_type') === 'chat_id') {
      try {
        return (JSON.parse(body.toString()) as { receive_id?: string }).receive_id;
      } catch {
        return undefined;
      }
    }
    const reply = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(u.pathname);
    if (reply) return this.emu.message(reply[1]!)?.chatId;
    return undefined;
  }

  private admit(chat: string | undefined): boolean {
    const now = performance.now();
    this.app = this.app.filter((t) => now - t < 1000);
    if (this.app.length >= PER_APP) return false;
    if (chat) {
      const times = (this.perChat.get(chat) ?? []).filter((t) => now - t < 1000);
      if (times.length >= PER_GROUP) return false;
      times.push(now);
      this.perChat.set(chat, times);
    }
    this.app.push(now);
    return true;
  }
}

// ------------------------------------------------------------------------------------------ the crowd

interface CrowdResult {
  n: number;
  seconds: number;
  messages: number;
  answerMs: number[];
  confirmMs: number[];
  registered: number;
  cpuMs: number;
  failures: string[];
}

/** One customer's whole filing; every step waits for the bot's answer in the chat. */
async function fileOne(emu: TelegramEmulator, inbox: ChatInbox, user: User, category: string, i: number, r: CrowdResult): Promise<void> {
  let last: Message | undefined;
  const step = async (act: () => void, confirm = false): Promise<Message> => {
    const started = performance.now();
    act();
    r.messages++;
    const call = await inbox.next(user.id);
    const ms = performance.now() - started;
    r.answerMs.push(ms);
    if (confirm) r.confirmMs.push(ms);
    if (call.error) throw new Error(`sendMessage failed: ${call.error.description}`);
    return (last = call.result as Message);
  };
  const say = (text: string) => step(() => emu.sendText(user, text));
  const click = (data: string, confirm = false) => step(() => emu.clickButton(user, last!, data), confirm);
  await say('/complain');
  await click(`cat:${category}`);
  await say(`Shop number ${i} on Nanjing Road`);
  await say(`Customer ${i}: the cashier was rude to me and refused to give a receipt.`);
  await click('when:today');
  await say('An apology and a receipt');
  await click('skip'); // phone
  await click('skip'); // reply time
  await click('done'); // photos
  const registered = await click('confirm', true);
  if (!/[A-Z]+-\d{8}-\d{4}/.test(registered.text ?? '')) throw new Error(`not registered: ${registered.text}`);
  r.registered++;
}

async function runCrowd(n: number, emu: TelegramEmulator, drive: (user: User, i: number, r: CrowdResult) => Promise<void>): Promise<CrowdResult> {
  const r: CrowdResult = { n, seconds: 0, messages: 0, answerMs: [], confirmMs: [], registered: 0, cpuMs: 0, failures: [] };
  const users = Array.from({ length: n }, (_, i) => emu.createUser({ first_name: `Bench${i}`, language_code: 'en' }));
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(users.map((u, i) => drive(u, i, r).catch((e: unknown) => void r.failures.push(String(e instanceof Error ? e.message : e).slice(0, 200)))));
  r.seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  r.cpuMs = (used.user + used.system) / 1000;
  return r;
}

// ------------------------------------------------------------------------------------------ the echo bot

/** A bare grammY bot (built-in polling): echoes every text, answers every button with a message. */
async function echoRun(n: number): Promise<CrowdResult> {
  const emu = new TelegramEmulator({ token: ECHO_TOKEN });
  await emu.start();
  const bot = new Bot(ECHO_TOKEN, { client: { apiRoot: emu.apiRoot } });
  bot.on('message:text', (ctx) => ctx.reply(ctx.message.text));
  bot.on('callback_query:data', async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.reply(`pressed ${ctx.callbackQuery.data}`);
  });
  await bot.init();
  let polling: Promise<void> = Promise.resolve();
  await new Promise<void>((resolve) => (polling = bot.start({ onStart: () => resolve() })));
  const inbox = new ChatInbox(emu);
  try {
    return await runCrowd(n, emu, async (user, i, r) => {
      let last: Message | undefined;
      const step = async (act: () => void) => {
        const started = performance.now();
        act();
        r.messages++;
        const call = await inbox.next(user.id);
        r.answerMs.push(performance.now() - started);
        last = call.result as Message;
      };
      const steps = ['t', 'c', 't', 't', 'c', 't', 'c', 'c', 'c', 'c'];
      for (const [k, s] of steps.entries()) {
        if (s === 't' || !last) await step(() => emu.sendText(user, `message ${k} from ${i}`));
        else await step(() => emu.clickButton(user, last!, `button-${k}`, { force: true }));
      }
      r.registered++;
    });
  } finally {
    inbox.off();
    await bot.stop();
    await polling.catch(() => {});
    await emu.stop();
  }
}

// ------------------------------------------------------------------------------------------ the product

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(BASE);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

interface ProductRun extends CrowdResult {
  cardsShare: number;
  refused: number;
  rssAfterMb: number;
}

async function productRun(db: string, n: number): Promise<ProductRun> {
  const telegram = new TelegramEmulator({ token: DEFAULT_TOKEN });
  await telegram.start();
  const feishu = new FeishuEmulator({ appId: APP_ID, appSecret: APP_SECRET });
  await feishu.start();
  const proxy = new FeishuLimitProxy(feishu);
  await proxy.start();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'complaint-bot-intake-'));
  let dbName: string | undefined;
  let url: string | undefined;
  if (db === 'postgresql') {
    dbName = `cb_intake_${randomBytes(5).toString('hex')}`;
    await admin((c) => c.query(`CREATE DATABASE ${dbName}`));
    const u = new URL(BASE);
    u.pathname = `/${dbName}`;
    url = u.toString();
  }
  let bot: RunningBot | undefined;
  try {
    const env = loadEnv({
      PORT: '0',
      DATA_DIR: dataDir,
      TELEGRAM_BOT_TOKEN: DEFAULT_TOKEN,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      FEISHU_APP_ID: APP_ID,
      FEISHU_APP_SECRET: APP_SECRET,
      FEISHU_DOMAIN: proxy.domain,
      ...(url ? { DATABASE_URL: url } : {}),
    });
    bot = await startBot({ env, config: loadConfigFile(CONFIG_FILE), log: createLogger(process.env.BENCH_LOG ?? 'silent'), jobs: true });
    const inbox = new ChatInbox(telegram);
    const r = await runCrowd(n, telegram, (user, i, res) => fileOne(telegram, inbox, user, CATEGORIES[i % CATEGORIES.length]!, i, res));
    inbox.off();
    // Cards: wait until every complaint's card is in its group (or a minute passes), then the rate per group while it had a backlog.
    const waitUntil = performance.now() + 60_000;
    const cards = () => [...proxy.delivered.values()].reduce((a, t) => a + t.length, 0);
    while (cards() < r.registered && performance.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 200));
    const shares: number[] = [];
    for (const times of proxy.delivered.values()) {
      if (times.length < 2 * PER_GROUP) continue;
      const span = (times[times.length - 1]! - times[0]!) / 1000;
      shares.push((times.length - 1) / span / PER_GROUP);
    }
    return {
      ...r,
      cardsShare: shares.length ? shares.reduce((a, b) => a + b, 0) / shares.length : NaN,
      refused: proxy.refused,
      rssAfterMb: process.memoryUsage().rss / 2 ** 20,
    };
  } finally {
    await bot?.stop();
    await proxy.stop();
    await feishu.stop();
    await telegram.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (dbName) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
  }
}

// ------------------------------------------------------------------------------------------ idle memory of `npm start`

function treeRssMb(root: number): number {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'))?.[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // the process ended meanwhile
    }
  }
  let kb = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      kb += Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      continue;
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return kb / 1024;
}

/**
 * `npm start` as a user runs it (embedded default, emulators for Telegram and Feishu), idle for 20 s:
 * the first start (creates and migrates the database) and a restart on the same folder.
 */
async function idleRss(): Promise<{ first: { mb: number; startSeconds: number }; restart: { mb: number; startSeconds: number } }> {
  const telegram = new TelegramEmulator({ token: DEFAULT_TOKEN });
  await telegram.start();
  const feishu = new FeishuEmulator({ appId: APP_ID, appSecret: APP_SECRET });
  await feishu.start();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'complaint-bot-idle-'));
  try {
    const first = await idleRun(telegram, feishu, dataDir);
    const restart = await idleRun(telegram, feishu, dataDir);
    return { first, restart };
  } finally {
    await feishu.stop();
    await telegram.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function idleRun(telegram: TelegramEmulator, feishu: FeishuEmulator, dataDir: string): Promise<{ mb: number; startSeconds: number }> {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: {
      ...process.env,
      CONFIG_FILE,
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      TELEGRAM_BOT_TOKEN: DEFAULT_TOKEN,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      FEISHU_APP_ID: APP_ID,
      FEISHU_APP_SECRET: APP_SECRET,
      FEISHU_DOMAIN: feishu.domain,
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const started = performance.now();
  try {
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not come up in 120 s:\n${out.slice(-2000)}`)), 120_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        if (out.includes('complaint-bot is running')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${out.slice(-2000)}`)));
    });
    const startSeconds = (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    return { mb: treeRssMb(child.pid!), startSeconds };
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // stopped cleanly
    }
  }
}

// ------------------------------------------------------------------------------------------ main

const f = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const table: Record<string, Record<string, string>> = {};
const row = (label: string, column: string, value: string) => ((table[label] ??= {})[column] = value);

for (const n of CROWDS) {
  const echo = await echoRun(n);
  const echoRate = echo.messages / echo.seconds;
  const col = (name: string) => `${name} N=${n}`;
  row('messages answered per second', col('echo'), f(echoRate, 0));
  row('each answer p99 (ms)', col('echo'), f(quantile(echo.answerMs, 0.99), 0));
  row('CPU per customer message (ms)', col('echo'), f(echo.cpuMs / echo.messages, 2));
  for (const db of DBS) {
    const r = await productRun(db, n);
    const rate = r.messages / r.seconds;
    row('complaints registered per second', col(db), f(r.registered / r.seconds, 1));
    row('confirm → number p99 (ms)', col(db), f(quantile(r.confirmMs, 0.99), 0));
    row('each answer p99 (ms)', col(db), f(quantile(r.answerMs, 0.99), 0));
    row('each answer p50 (ms)', col(db), f(quantile(r.answerMs, 0.5), 0));
    row('messages answered per second', col(db), f(rate, 0));
    row('… as a share of the echo bot’s', col(db), `${f(rate / echoRate, 3)}×`);
    row('CPU per customer message (ms)', col(db), f(r.cpuMs / r.messages, 2));
    row('cards delivered, share of 5/s per group', col(db), `${f(r.cardsShare * 100, 0)} %`);
    row('Feishu 429s', col(db), String(r.refused));
    row('RSS after the run, in-process (MB)', col(db), f(r.rssAfterMb, 0));
    if (r.failures.length) row('customers who did not finish', col(db), `${r.failures.length}: ${r.failures[0]}`);
    console.error(`N=${n} ${db}: ${r.registered}/${n} registered in ${f(r.seconds)} s`);
  }
  console.error(`N=${n} echo: ${f(echo.seconds, 2)} s`);
}

console.log(`\nIntake: N customers filing at once through the guided Telegram conversation (${CROWDS.join(', ')}); Feishu limited to ${PER_GROUP}/s per group, ${PER_APP}/s per app\n`);
console.table(table);
if (process.env.BENCH_IDLE !== '0') {
  const idle = await idleRss();
  console.log(`idle resident memory of \`npm start\` (whole process tree, embedded PGlite, 20 s after start): first start ${f(idle.first.mb, 0)} MB (up in ${f(idle.first.startSeconds)} s), restart ${f(idle.restart.mb, 0)} MB (up in ${f(idle.restart.startSeconds)} s)`);
}
