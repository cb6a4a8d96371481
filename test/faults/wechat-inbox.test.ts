/**
 * The durable WeChat official-account inbox (issue 9): a push is kept in the database before `success` is
 * answered and handled from there, so a SIGKILL between the answer and the handling loses nothing. The
 * bot runs as its own process; a burst of customers writes; the process is killed as soon as the first
 * `success` comes back; a new process on the same data folder answers every push that was acknowledged.
 */
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { WechatEmulator, type EmulatedUser } from '../../src/sandbox/emulators/wechat/index.ts';
import { WECHAT_OA_PATH } from '../../adapters/wechat/official-account.ts';
import { openDatabase } from '../../src/store/database.ts';
import { OA_APP_ID, OA_APP_SECRET, OA_TOKEN } from '../support/wechat.ts';
import { seedEmbeddedDataDir } from '../support/databases.ts';
import { spawnBot, type BotProcess } from './bot-process.ts';

describe('WeChat pushes survive SIGKILL', () => {
  const bots: BotProcess[] = [];
  let wechat: WechatEmulator | undefined;
  afterAll(async () => {
    for (const b of bots) if (b.child.exitCode === null) b.child.kill('SIGKILL');
    await Promise.all(bots.map((b) => b.exited));
    await wechat?.stop();
  });

  it('every acknowledged push is handled, even when the process dies right after acknowledging', async () => {
    wechat = new WechatEmulator({ appId: OA_APP_ID, appSecret: OA_APP_SECRET, token: OA_TOKEN });
    await wechat.start();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'cb-wechat-kill-'));
    seedEmbeddedDataDir(dataDir); // the migrated template: this test is about what follows start-up, not creating a database
    const env = { WECHAT_OA_APP_ID: OA_APP_ID, WECHAT_OA_APP_SECRET: OA_APP_SECRET, WECHAT_OA_TOKEN: OA_TOKEN, WECHAT_API_BASE: wechat.apiBase, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    const start = async () => {
      const bot = spawnBot(env);
      bots.push(bot);
      await vi.waitFor(() => expect(bot.lines.some((l) => l.startsWith('READY'))).toBe(true), { timeout: 120_000, interval: 100 });
      wechat!.botUrl = `http://127.0.0.1:${bot.lines.find((l) => l.startsWith('READY'))!.split(' ')[1]}${WECHAT_OA_PATH}`;
      return bot;
    };
    const first = await start();
    const users: EmulatedUser[] = Array.from({ length: 40 }, () => wechat!.user());
    const acked: EmulatedUser[] = [];
    let killed = false;
    await Promise.allSettled(
      users.map(async (u) => {
        const res = await u.say('/start');
        if (res.status === 200 && res.text === 'success') {
          acked.push(u);
          if (!killed) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        }
      }),
    );
    await first.exited;
    const answeredBefore = acked.filter((u) => u.received().length > 0).length;
    await start();
    await vi.waitFor(() => expect(acked.filter((u) => u.received().length === 0)).toEqual([]), { timeout: 90_000, interval: 250 });
    console.log(`WeChat inbox: ${acked.length} pushes acknowledged before SIGKILL, ${answeredBefore} answered before it, all ${acked.length} answered after the restart`);
    const second = bots[1]!;
    second.child.kill('SIGTERM');
    await second.exited;
    const db = await openDatabase({ dataDir: path.join(dataDir, 'pglite') });
    try {
      expect(await db.prisma.inboxPush.count({ where: { handledAt: null } })).toBe(0);
    } finally {
      await db.close();
    }
    expect(acked.length).toBeGreaterThan(0);
  }, 300_000);
});
