import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError, parseConfig } from '../../src/config/load.ts';
import { EXAMPLE_CONFIG_PATH } from '../support/context.ts';

const example = () => parse(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8')) as Record<string, unknown>;
const problems = (raw: unknown) => {
  try {
    parseConfig(raw, 'test.yaml');
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('jobs, escalation, follow-up and reports config', () => {
  it('has defaults, so a config without these sections still loads', () => {
    const raw = example();
    for (const key of ['jobs', 'escalation', 'followUp', 'reports']) delete raw[key];
    const config = parseConfig(raw, 'test.yaml');
    expect(config.jobs).toMatchObject({ sweepEveryMinutes: 1, weeklyDigest: { weekday: 1, at: '09:00' }, monthlySummary: { dayOfMonth: 1 }, unfinishedLedger: { dayOfMonth: 4 } });
    expect(config.escalation).toEqual({ remindAtPercent: 75, tierTime: { supervisor: '4h', manager: '8h' }, upgradeToMajorAfterMonths: 1 });
    expect(config.followUp).toEqual({ resultWithin: '24h', surveyWithin: '24h' });
    expect(config.reports.trendMonths).toBe(6);
  });

  it('names the key that is wrong', () => {
    const raw = example();
    raw.jobs = { sweepEveryMinutes: 7, weeklyDigest: { weekday: 8, at: '9am' }, monthlySummary: { dayOfMonth: 31 } };
    raw.escalation = { remindAtPercent: 100, tierTime: { supervisor: '0h' } };
    expect(problems(raw)).toEqual([
      'jobs.sweepEveryMinutes: must divide 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60)',
      'jobs.weeklyDigest.weekday: Too big: expected number to be <=7',
      'jobs.weeklyDigest.at: must be a time like "09:00"',
      'jobs.monthlySummary.dayOfMonth: Too big: expected number to be <=28',
      'escalation.remindAtPercent: Too big: expected number to be <=99',
      'escalation.tierTime.supervisor: must be a duration longer than zero',
    ]);
  });
});
