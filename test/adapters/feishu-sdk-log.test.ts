/**
 * The Feishu SDK writes its own lines with console.log ("[info]: [ 'client ready' ]", whole axios errors
 * with their stacks) in between the bot's JSON log lines, and `loggerLevel: fatal` cannot turn that off
 * (the SDK reads `params.loggerLevel || info`). The adapters hand the SDK a logger into pino instead:
 * the real SDK against the emulator, a refused request and the long connection, console watched.
 */
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { FeishuEmulator } from '../../src/sandbox/emulators/feishu/index.ts';
import { FeishuClient } from '../../adapters/feishu/feishu-client.ts';
import { FeishuLongConnection } from '../../adapters/feishu/long-connection.ts';
import { PlatformError } from '../../src/delivery/ports.ts';
import { APP_ID, APP_SECRET } from '../support/harness.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

describe('the Feishu SDK logs into the bot log, not onto the console', () => {
  const emu = new FeishuEmulator({ appId: APP_ID, appSecret: APP_SECRET });
  const printed: unknown[][] = [];
  beforeAll(() => emu.start());
  afterAll(() => emu.stop());
  beforeAll(() => {
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const)
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(args));
  });
  afterAll(() => vi.restoreAllMocks());
  afterEach(() => void (printed.length = 0));

  it('API client: nothing on the console when created or refused; the SDK error is a debug line with err', async () => {
    const { log, lines } = capture();
    const client = new FeishuClient({ appId: APP_ID, appSecret: APP_SECRET, domain: emu.domain, log });
    emu.rateLimitNext('/open-apis/im/v1/messages', 1, { resetSeconds: 1 });
    await expect(client.sendText('oc_sdk_log', 'refused once', 'uuid-sdk-log-1')).rejects.toBeInstanceOf(PlatformError);
    await client.sendText('oc_sdk_log', 'then sent', 'uuid-sdk-log-2');
    expect(printed).toEqual([]);
    const sdkLines = lines.filter((l) => String(l.msg).startsWith('Feishu SDK'));
    expect(sdkLines.length).toBeGreaterThan(0);
    expect(sdkLines.every((l) => l.level === 20)).toBe(true); // debug: the caller logs the failure once
    expect(sdkLines.some((l) => (l.err as { message?: string } | undefined)?.message?.includes('429'))).toBe(true);
    expect(JSON.stringify(lines)).not.toMatch(/Bearer|refused once/); // the token and the message body stay out (redacted)
  });

  it('long connection: its "ready" lines go to the log at debug, nothing to the console', async () => {
    const { log, lines } = capture();
    const ws = new FeishuLongConnection({ appId: APP_ID, appSecret: APP_SECRET, domain: emu.domain, onCardAction: async () => ({}), log });
    await ws.start();
    try {
      await vi.waitFor(() => expect(ws.ready().ok).toBe(true), { timeout: 30_000, interval: 50 });
    } finally {
      await ws.stop();
    }
    expect(printed).toEqual([]);
    expect(lines.some((l) => l.level === 20 && String(l.msg).startsWith('Feishu SDK'))).toBe(true);
  });
});
