/** The config settings of the customer side: addresses per category, the rating timeout, the abuse limits. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError, parseConfig } from '../../src/config/load.ts';
import { EXAMPLE_CONFIG_PATH } from '../support/context.ts';

const example = () => parse(readFileSync(EXAMPLE_CONFIG_PATH, 'utf8')) as Record<string, any>;

function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('customer settings in the config', () => {
  it('reads the example and fills defaults when the sections are left out', () => {
    const shipped = parseConfig(example(), 'example.yaml');
    expect(shipped.categories.find((c) => c.id === 'delivery')?.needsAddress).toBe(true);
    expect(shipped.categories.find((c) => c.id === 'service')?.needsAddress).toBe(false);
    const bare = example();
    delete bare.feedback;
    delete bare.customerLimits;
    const cfg = parseConfig(bare, 'bare.yaml');
    expect(cfg.feedback).toEqual({ noResponseCloseAfter: '72h' });
    expect(cfg.customerLimits).toEqual({ complaintsPerDay: 5, messagesPerMinute: 30 });
  });

  it.each([
    ['a rating timeout that is not a duration', (c: any) => (c.feedback.noResponseCloseAfter = '3 days'), /^feedback\.noResponseCloseAfter: must be a duration/],
    ['a zero daily limit', (c: any) => (c.customerLimits.complaintsPerDay = 0), /^customerLimits\.complaintsPerDay: /],
    ['a fractional message limit', (c: any) => (c.customerLimits.messagesPerMinute = 2.5), /^customerLimits\.messagesPerMinute: /],
    ['an unknown limit', (c: any) => (c.customerLimits.perHour = 3), /^customerLimits: .*perHour/],
    ['needsAddress that is not true/false', (c: any) => (c.categories[0].needsAddress = 'yes'), /^categories\[0\]\.needsAddress: /],
    ['appeals sent to a department\'s own group', (c: any) => (c.supervisionChatId = 'oc_cs_group'), /^supervisionChatId: is the group of department "cs"; appeals must go to a chat outside the departments$/],
  ])('names the key for %s', (_name, mutate, expected) => {
    const cfg = example();
    mutate(cfg);
    expect(problemsOf(cfg).some((p) => expected.test(p)), problemsOf(cfg).join('\n')).toBe(true);
  });
});
