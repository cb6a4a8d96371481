/**
 * `npm run bench:memory`: where the bot's resident memory goes. Each step runs in a fresh `node` process
 * (with the flags `npm start` uses) that loads one more part of what the bot loads, in the bot's order,
 * and prints its resident set (RSS) and proportional set (PSS) once idle; the table shows each step and
 * what it added. The compiled code in dist/ is used (built first when missing, as `npm start` does).
 * The last steps open the embedded database the bot uses (PGlite, with the bot's memory settings, on a
 * folder created and migrated by a first run), and connect Prisma to it. For the whole bot, with its
 * channels and under load, see bench:runtime. Prints figures; asserts nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const NODE_FLAGS = ['--max-semi-space-size=2'];
execFileSync(process.execPath, [path.join(ROOT, 'scripts/ensure-build.mjs')], { stdio: 'inherit' });
const dist = (p: string) => JSON.stringify(path.join(ROOT, 'dist', p));
const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'complaint-bot-bench-memory-')), 'pglite');

/** Each step's code, run after the previous steps' (imports are cumulative). */
const STEPS: [string, string][] = [
  ['node itself', ''],
  ['+ logging, config, calendar, metrics (pino, zod, luxon, chinese-days, prom-client)', `await import('pino'); await import('zod'); await import('luxon'); await import('chinese-days'); await import('prom-client');`],
  ['+ grammY (Telegram)', `await import('grammy'); await import('@grammyjs/runner');`],
  ['+ Feishu SDK (@larksuiteoapi/node-sdk)', `await import('@larksuiteoapi/node-sdk');`],
  ['+ the bot\'s own code (app, cards, adapters)', `await import(${dist('src/bootstrap.js')});`],
  ['+ PGlite opened (existing folder, bot settings) and Prisma connected', `const { openDatabase } = await import(${dist('src/store/database.js')}); const db = await openDatabase({ dataDir: ${JSON.stringify(dataDir)} }); await db.migrate(); await db.prisma.complaint.count();`],
];

function measure(code: string): { rss: number; pss: number } {
  const script = `${code}
    await new Promise((r) => setTimeout(r, 1500));
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 500));
    const rollup = (await import('node:fs')).readFileSync('/proc/self/smaps_rollup', 'utf8');
    const kb = (k) => Number(new RegExp('^' + k + ':\\\\s+(\\\\d+) kB', 'm').exec(rollup)[1]);
    console.log(JSON.stringify({ rss: kb('Rss') / 1024, pss: kb('Pss') / 1024 }));
    process.exit(0);`;
  const out = spawnSync(process.execPath, [...NODE_FLAGS, '--expose-gc', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout.trim().split('\n').pop()!);
}

try {
  // create and migrate the folder once, so the measured step opens an existing database as a restart does
  measure(STEPS.map(([, code]) => code).join('\n'));
  const rows: Record<string, { RSS: string; added: string; PSS: string }> = {};
  let code = '';
  let previous = 0;
  for (const [name, step] of STEPS) {
    code += `\n${step}`;
    const m = measure(code);
    rows[name] = { RSS: `${m.rss.toFixed(0)} MB`, added: previous ? `+${(m.rss - previous).toFixed(0)} MB` : '', PSS: `${m.pss.toFixed(0)} MB` };
    previous = m.rss;
  }
  console.log(`bench:memory — resident memory of one node process (${NODE_FLAGS.join(' ')}), idle after each step`);
  console.table(rows);
} finally {
  rmSync(path.dirname(dataDir), { recursive: true, force: true });
}
