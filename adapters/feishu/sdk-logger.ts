/**
 * The Feishu SDK's log lines, into the bot's log. The SDK otherwise prints with console.log ("[info]:
 * [ 'client ready' ]", whole axios errors with their stacks) in between the bot's JSON lines, and its
 * `loggerLevel: fatal` cannot be set: the SDK reads `params.loggerLevel || info`, and fatal is 0.
 * Texts become the message, an Error becomes `err` with its facts only; other objects are left out.
 */
import type * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../../src/logger.ts';

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * `errorsAs`: the level the SDK's errors are logged at. The API client's errors come back to the caller
 * as PlatformError and are logged once, with the row and the platform's answer, by the outbox worker:
 * there the SDK's own copy is debug. The long connection's errors reach no caller: warn.
 */
export function sdkLogger(log: Logger | undefined, opts: { errorsAs: Level }): lark.Logger {
  const write = (level: Level) => (...args: unknown[]) => {
    if (!log) return;
    // The SDK nests its arguments in arrays ([[error]]). Objects other than errors may hold tokens or
    // message bodies: counted, not written. An error is written as its facts only: an axios error carries
    // the request with its Authorization header and body, in places no redaction list keeps up with.
    const parts = (args as unknown[]).flat(Infinity as 1);
    const error = parts.find((p): p is Error => p instanceof Error);
    const texts = parts.filter((p): p is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof p)).map(String);
    const others = parts.filter((p) => p !== null && typeof p === 'object' && !(p instanceof Error)).length;
    const msg = ['Feishu SDK:', ...texts, ...(texts.length ? [] : [error?.message ?? '']), ...(others ? [`(+${others} object${others > 1 ? 's' : ''} not logged)`] : [])].join(' ').trim();
    if (error) log[level]({ err: factsOf(error) }, msg);
    else log[level](msg);
  };
  // info ("client ready", "[ws] ws client ready") is the SDK's chatter: debug here
  return { error: write(opts.errorsAs), warn: write('warn'), info: write('debug'), debug: write('debug'), trace: () => {} };
}

/** What an error says without what it carries: type, message, HTTP status, codes (axios and Feishu). */
function factsOf(error: Error): Record<string, unknown> {
  const e = error as Error & { code?: unknown; status?: unknown; response?: { status?: unknown; data?: { code?: unknown; msg?: unknown } } };
  const data = e.response?.data;
  return {
    type: e.name,
    message: e.message,
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...((e.status ?? e.response?.status) !== undefined ? { status: e.status ?? e.response?.status } : {}),
    ...(data && typeof data === 'object' && data.code !== undefined ? { feishuCode: data.code, feishuMsg: data.msg } : {}),
  };
}
