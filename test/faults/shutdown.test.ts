/**
 * No update lost on shutdown (issue 13, fault 4): the bot runs as its own process; a customer confirms a
 * complaint and the bot gets SIGTERM while that confirm is being handled (its first Bot API call hangs).
 * The process finishes the update, delivers the answer, and exits; the complaint is in the database and
 * the customer has its number.
 */
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { TelegramEmulator, DEFAULT_TOKEN } from '../../src/sandbox/emulators/telegram/index.ts';
import { openDatabase } from '../../src/store/database.ts';
import { CustomerChat } from '../e2e/customer-e2e.ts';
import type { Harness } from '../support/harness.ts';
import { seedEmbeddedDataDir } from '../support/databases.ts';
import { spawnBot, type BotProcess } from './bot-process.ts';

describe('SIGTERM in the middle of a confirm', () => {
  let bot: BotProcess | undefined;
  let tg: TelegramEmulator | undefined;
  afterAll(async () => {
    if (bot && bot.child.exitCode === null) bot.child.kill('SIGKILL');
    await bot?.exited;
    await tg?.stop();
  });

  it('handles and answers the confirm before exiting; the complaint is stored', async () => {
    tg = new TelegramEmulator();
    await tg.start();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cb-sigterm-'));
    seedEmbeddedDataDir(dataDir); // the migrated template: this test is about what follows start-up, not creating a database
    bot = spawnBot({ TELEGRAM_BOT_TOKEN: DEFAULT_TOKEN, TELEGRAM_API_ROOT: tg.apiRoot, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    await vi.waitFor(() => expect(bot!.polling()).toBe(true), { timeout: 170_000, interval: 200 });

    const c = new CustomerChat({ telegram: tg } as unknown as Harness);
    const ask = await c.say('/complain');
    let m = await c.click(ask, 'cat:service');
    m = await c.say('Your shop on Nanjing Road');
    m = await c.say('The cashier was rude to me.');
    m = await c.click(m, 'when:today');
    m = await c.say('An apology');
    m = await c.click(m, 'skip');
    m = await c.click(m, 'skip');
    m = await c.click(m, 'done');
    // the confirm's handling stalls on its first call (answerCallbackQuery never answers, until the call's deadline)
    tg.netFaultNext('answerCallbackQuery', 'hang');
    const hangs = tg.netFaultsTaken;
    tg.clickButton(c.user, m, 'confirm');
    await vi.waitFor(() => expect(tg!.netFaultsTaken).toBe(hangs + 1), { timeout: 10_000, interval: 20 });
    bot.child.kill('SIGTERM');
    const code = await bot.exited;
    expect(code).toBe(0);
    const registered = tg.calls.filter((call) => call.method === 'sendMessage' && !call.error && String(call.params.chat_id) === String(c.user.id)).map((call) => String(call.params.text)).find((text) => /[A-Z]+-\d{8}-\d{4}/.test(text));
    expect(registered).toBeDefined();
    const db = await openDatabase({ dataDir: path.join(dataDir, 'pglite') });
    try {
      expect(await db.prisma.complaint.count()).toBe(1);
      expect(await db.prisma.outboxMessage.count({ where: { channel: 'telegram', status: { not: 'sent' } } })).toBe(0);
    } finally {
      await db.close();
    }
  }, 300_000);
});
