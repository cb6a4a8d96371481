/**
 * Structured logging (pino): one JSON line per event, with the context that explains it.
 * In a terminal the lines are pretty-printed (pino-pretty) so a newcomer can read them.
 */
import { pino } from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', pretty = process.stdout.isTTY === true && !process.env.CI): Logger {
  const base = { level, base: { app: 'complaint-bot' } };
  if (pretty && level !== 'silent') return pino({ ...base, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app' } } });
  return pino(base);
}
