/**
 * Loads and validates the config file and the environment. Every problem is reported as
 * `key.path: why`, never as a stack trace; `ConfigError` carries the lines for main.ts to print.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, type AppConfig } from './schema.ts';
import { envSchema, type Env } from './env.ts';
import { validateCalendar } from '../domain/calendar.ts';
import { calendarsFromConfig } from './calendars.ts';

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const key = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)';
    return `${key}: ${issue.message}`;
  });
}

export function parseConfig(raw: unknown, source: string): AppConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(`invalid config in ${source}`, describeIssues(result.error));
  // The calendars as the bot will use them (with the package's holidays, named ones completed from `calendar`).
  const { company, named } = calendarsFromConfig(result.data);
  const calendarProblems = [
    ...validateCalendar(company).map((p) => `calendar: ${p}`),
    ...Object.entries(named).flatMap(([name, cal]) => validateCalendar(cal).map((p) => `calendars.${name}: ${p}`)),
  ];
  if (calendarProblems.length) throw new ConfigError(`invalid config in ${source}`, calendarProblems);
  return result.data;
}

export function loadConfigFile(file: string): AppConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read the config file ${file}`, [(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'CONFIG_FILE: the file does not exist' : `CONFIG_FILE: ${(e as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(`cannot parse ${file}`, [(e as Error).message.split('\n')[0] ?? 'syntax error']);
  }
  return parseConfig(raw, file);
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // empty strings mean "unset": .env files often carry KEY= lines
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) throw new ConfigError('invalid environment', describeIssues(result.error));
  const env = result.data;
  const problems: string[] = [];
  if (Boolean(env.FEISHU_APP_ID) !== Boolean(env.FEISHU_APP_SECRET)) problems.push('FEISHU_APP_ID and FEISHU_APP_SECRET must be set together');
  if (env.FEISHU_EVENT_MODE === 'http' && env.FEISHU_APP_ID && !env.FEISHU_ENCRYPT_KEY)
    problems.push('FEISHU_ENCRYPT_KEY: required when FEISHU_EVENT_MODE=http (without it no callback could be verified)');
  if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET)
    problems.push('TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set (Telegram signs each push with it)');
  const oa = { WECHAT_OA_APP_ID: env.WECHAT_OA_APP_ID, WECHAT_OA_APP_SECRET: env.WECHAT_OA_APP_SECRET, WECHAT_OA_TOKEN: env.WECHAT_OA_TOKEN };
  const oaMissing = Object.entries(oa).filter(([, v]) => !v).map(([k]) => k);
  if ((oaMissing.length && oaMissing.length < 3) || (env.WECHAT_OA_AES_KEY && oaMissing.length))
    problems.push(`WECHAT_OA_APP_ID, WECHAT_OA_APP_SECRET and WECHAT_OA_TOKEN must be set together for the official account (missing: ${oaMissing.join(', ')})`);
  if (env.WECHAT_OA_APP_ID && env.WECHATY_PUPPET)
    problems.push('WECHATY_PUPPET and WECHAT_OA_APP_ID are both set: the WeChat channel runs either on a Wechaty puppet or on the official account; unset one');
  if (env.WECHATY_PUPPET_TOKEN && !env.WECHATY_PUPPET) problems.push('WECHATY_PUPPET_TOKEN is set but WECHATY_PUPPET is not (which puppet is the token for?)');
  if (problems.length) throw new ConfigError('invalid environment', problems);
  return env;
}
