import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfigFile, loadEnv, parseConfig } from '../../src/config/load.ts';
import { EXAMPLE_CONFIG_PATH } from '../support/context.ts';

const example = () => parse(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8')) as Record<string, any>;

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config file', () => {
  it('accepts the shipped example', () => {
    const cfg = loadConfigFile(EXAMPLE_CONFIG_PATH);
    expect(cfg.departments.map((d) => d.id)).toEqual(['cs', 'qa', 'tech', 'ops']);
    expect(cfg.categories.find((c) => c.id === 'network')?.department).toBe('tech');
  });

  it.each([
    ['a category routed to an unknown department', (c: any) => (c.categories[0].department = 'legal'), /^categories\[0\]\.department: unknown department "legal" \(known: cs, qa, tech, ops\)$/],
    ['a bad working time', (c: any) => (c.calendar.workingHours[0].start = '9am'), /^calendar\.workingHours\[0\]\.start: must be a time like "09:00"$/],
    ['an unknown key', (c: any) => (c.departments[0].chat = 'x'), /^departments\[0\]: .*chat/],
    ['a bad duration', (c: any) => (c.sla.accept.general = 'two hours'), /^sla\.accept\.general: must be a duration/],
    ['a missing section', (c: any) => delete c.categories, /^categories: /],
    ['an unknown time zone', (c: any) => (c.calendar.timeZone = 'Mars/Olympus'), /^calendar: .*Mars\/Olympus/],
    ['a duplicate department', (c: any) => c.departments.push({ ...c.departments[0] }), /^departments: department id "cs" is used twice$/],
    ['a retention that is not a number of days', (c: any) => (c.records.retainPersonalDataDays = 'three years'), /^records\.retainPersonalDataDays: must be a number of days, e\.g\. 1095 \(3 years\)$/],
    ['a retention of zero days', (c: any) => (c.records.retainPersonalDataDays = 0), /^records\.retainPersonalDataDays: must be at least 1 day$/],
    ['an archive age that is not a number of days', (c: any) => (c.records.archiveAfterDays = '6 months'), /^records\.archiveAfterDays: must be a number of days, e\.g\. 180$/],
    ['an archive age of zero days', (c: any) => (c.records.archiveAfterDays = 0), /^records\.archiveAfterDays: must be at least 1 day$/],
    ['a staff member without a department', (c: any) => c.staff.push({ openId: 'ou_x', name: 'X', role: 'agent' }), /^staff\[10\]\.department: an agent needs a department$/],
  ])('names the key for %s', (_name, mutate, expected) => {
    const cfg = example();
    mutate(cfg);
    const problems = problemsOf(() => parseConfig(cfg, 'test.yaml'));
    expect(problems.some((p) => expected.test(p)), problems.join('\n')).toBe(true);
  });

  it('reports a missing file and a YAML syntax error without a stack trace', () => {
    expect(problemsOf(() => loadConfigFile('/nonexistent/complaint-bot.yaml'))).toEqual(['CONFIG_FILE: the file does not exist']);
    const dir = mkdtempSync(path.join(tmpdir(), 'cb-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'company: [unclosed\n');
    expect(problemsOf(() => loadConfigFile(file))[0]).toMatch(/./);
  });
});

describe('environment', () => {
  it('uses the embedded defaults when nothing is set', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ PORT: 3000, CONFIG_FILE: 'complaint-bot.example.yaml', FEISHU_EVENT_MODE: 'ws', FEISHU_DOMAIN: 'https://open.feishu.cn' });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT: /],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: DATABASE_URL must start with postgresql:\/\/$/],
    [{ TELEGRAM_BOT_TOKEN: 'nonsense' }, /^TELEGRAM_BOT_TOKEN: /],
    [{ FEISHU_EVENT_MODE: 'smoke' }, /^FEISHU_EVENT_MODE: /],
    [{ FEISHU_APP_ID: 'cli_0123456789abcdef' }, /FEISHU_APP_ID and FEISHU_APP_SECRET must be set together/],
    [{ FEISHU_APP_ID: 'cli_0123456789abcdef', FEISHU_APP_SECRET: 's', FEISHU_EVENT_MODE: 'http' }, /^FEISHU_ENCRYPT_KEY: required/],
    [{ TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/tg' }, /^TELEGRAM_WEBHOOK_SECRET: required/],
  ])('refuses %o naming the variable', (vars, expected) => {
    const problems = problemsOf(() => loadEnv(vars as NodeJS.ProcessEnv));
    expect(problems.some((p) => expected.test(p)), problems.join('\n')).toBe(true);
  });

  it('treats empty variables as unset', () => {
    expect(loadEnv({ TELEGRAM_BOT_TOKEN: '', PORT: '' }).PORT).toBe(3000);
  });
});
