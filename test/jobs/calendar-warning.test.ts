/**
 * With a clock at 2027-12-01 the calendar has no official holidays for the next 30 days (the pinned
 * chinese-days package ends with 2026): the bot says so in its log at start, and once a day in the managers'
 * chat however many instances run the job.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { exampleConfig, testContext, TestClock } from '../support/context.ts';
import type { Database } from '../../src/store/database.ts';
import { JobScheduler } from '../../src/jobs/scheduler.ts';
import { botJobs } from '../../src/jobs/jobs.ts';
import { CALENDAR_WARNING_JOB } from '../../src/app/sla/warn-about-calendar-gaps.ts';
import { chinaOfficialDays } from '../../src/config/calendars.ts';
import { startBot } from '../../src/bootstrap.ts';
import { loadEnv } from '../../src/config/load.ts';
import { feishuTexts, sh, type Ctx } from './support.ts';

/** A logger whose lines are kept, to read what the bot warned about. */
function capturingLogger() {
  const lines: { level: number; msg: string; gaps?: { calendar: string; from: string; to: string; years: number[] }[] }[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

const warnings = (ctx: Ctx) => feishuTexts(ctx).then((texts) => texts.filter((t) => t.target === 'oc_managers_group' && t.text.includes('⚠️')));

it('the pinned package has no data for 2027 (else this test needs a later clock)', () => {
  expect(chinaOfficialDays().years).not.toContain(2027);
});

describe.each(testDatabases())('calendar warning on $name', (kind) => {
  let database: Database;
  let clock: TestClock;
  let instances: { ctx: Ctx; scheduler: JobScheduler; lines: ReturnType<typeof capturingLogger>['lines'] }[];
  beforeAll(async () => {
    database = await kind.open();
    clock = new TestClock(sh('2026-11-16 10:00'));
    instances = [];
    for (let i = 0; i < 2; i++) {
      const ctx = await testContext(database, clock);
      const { log, lines } = capturingLogger();
      ctx.log = log;
      instances.push({ ctx, scheduler: new JobScheduler(ctx, botJobs(ctx)), lines });
    }
  }, 120_000);
  afterAll(async () => database?.close());

  it('says nothing while the next 30 days have official data', async () => {
    for (const i of instances) await i.scheduler.runDue(CALENDAR_WARNING_JOB, clock.now(), 'startup');
    expect(await warnings(instances[0]!.ctx)).toEqual([]);
  });

  it('at 2027-12-01 two instances starting post one warning in the managers’ chat, naming the dates', async () => {
    clock.current = sh('2027-12-01 10:00');
    for (const i of instances) await i.scheduler.runDue(CALENDAR_WARNING_JOB, clock.now(), 'startup');
    const posted = await warnings(instances[0]!.ctx);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toContain('2027-12-01');
    expect(posted[0]!.text).toContain('2027-12-31');
    expect(posted[0]!.text).toContain('coveredYears');
  });

  it('instances restarted the same day post nothing more; the next day’s run posts once more and logs', async () => {
    clock.current = sh('2027-12-01 15:00');
    for (const i of instances) await new JobScheduler(i.ctx, botJobs(i.ctx)).runDue(CALENDAR_WARNING_JOB, clock.now(), 'startup');
    expect(await warnings(instances[0]!.ctx)).toHaveLength(1);
    clock.current = sh('2027-12-02 09:00');
    for (const i of instances) await i.scheduler.runDue(CALENDAR_WARNING_JOB, clock.now());
    const posted = await warnings(instances[0]!.ctx);
    expect(posted).toHaveLength(2);
    expect(posted[1]!.text).toContain('2027-12-02');
    const logged = instances.flatMap((i) => i.lines).filter((l) => l.level === 40 && l.gaps);
    expect(logged).toHaveLength(2); // each scheduled run logs, whoever posts (a start-up run leaves it to the start-up log)
    expect(logged[0]!.gaps).toEqual([{ calendar: 'calendar', from: '2027-12-02', to: '2028-01-01', years: [2027, 2028] }]);
  });
});

it('the bot logs the gap at start', async () => {
  const { log, lines } = capturingLogger();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'complaint-bot-calendar-'));
  const bot = await startBot({ env: loadEnv({ PORT: '0', DATA_DIR: dataDir }), config: exampleConfig(), log, pgliteDir: 'memory://', jobs: false, now: () => sh('2027-12-01 10:00') });
  await bot.stop();
  const warning = lines.find((l) => l.gaps);
  expect(warning?.level).toBe(40);
  expect(warning?.msg).toMatch(/public-holiday data/);
  expect(warning?.gaps?.[0]).toMatchObject({ calendar: 'calendar', from: '2027-12-01', years: [2027] });
}, 120_000);
