/**
 * Structured logging (pino): one JSON line per event, with the context that explains it.
 * In a terminal the lines are pretty-printed (pino-pretty) so a newcomer can read them.
 */
import { pino } from 'pino';

export type Logger = pino.Logger;

/**
 * A backstop, not the rule: code logs ids, never what customers wrote or secrets. Should a phone number,
 * a token or a message body reach a log line anyway (a field logged whole, an SDK error carrying the
 * request it failed on), it is written as "[redacted]".
 */
export const REDACTED_PATHS = [
  // phone numbers
  'phone', 'contactPhone', 'mobile', '*.phone', '*.contactPhone', '*.mobile', '*.*.phone', '*.*.contactPhone',
  // secrets and tokens
  'token', 'accessToken', 'access_token', 'secret', 'appSecret', 'app_secret', 'password', 'authorization', 'encryptKey',
  '*.token', '*.accessToken', '*.access_token', '*.secret', '*.appSecret', '*.app_secret', '*.password', '*.authorization', '*.Authorization', '*.encryptKey',
  'headers.authorization', '*.headers.authorization', '*.headers.Authorization', 'err.config.headers', 'err.response.config.headers', 'err.response.request',
  // message bodies
  'text', 'body', 'content', 'caption', 'description',
  '*.text', '*.body', '*.content', '*.caption', '*.description',
  'err.config.data', 'err.response.config.data', 'err.payload.text', 'err.payload.caption', 'err.payload.card',
];

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', pretty = process.stdout.isTTY === true && !process.env.CI): Logger {
  const base = { level, base: { app: 'complaint-bot' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (pretty && level !== 'silent') return pino({ ...base, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app' } } });
  return pino(base);
}
