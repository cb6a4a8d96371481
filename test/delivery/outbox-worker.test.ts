import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import type { Database } from '../../src/store/database.ts';
import type { OutboxMessage } from '../../src/store/generated/client.ts';
import { OutboxWorker, releaseHeldMessages, type ChannelSender } from '../../src/delivery/outbox-worker.ts';
import { PlatformError } from '../../src/delivery/ports.ts';
import { createLogger } from '../../src/logger.ts';

const log = createLogger('silent');

async function queue(db: Database, target: string, n: number, at = new Date()) {
  for (let i = 0; i < n; i++)
    await db.prisma.outboxMessage.create({ data: { channel: 'telegram', kind: 'text', target, payload: { text: `m${i}` }, nextAttemptAt: at } });
}

function recorder(fail?: (row: OutboxMessage) => Error | undefined): ChannelSender & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    async send(row) {
      const error = fail?.(row);
      if (error) throw error;
      sent.push(`${row.target}:${(row.payload as { text: string }).text}`);
    },
  };
}

describe.each(testDatabases())('outbox worker on $name', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await kind.open();
  });
  afterAll(async () => db?.close());

  it('sends rows in order and marks them sent', async () => {
    await queue(db, 'order', 5);
    const sender = recorder();
    const worker = new OutboxWorker({ db: db.prisma, senders: { telegram: sender }, log, batchSize: 2 });
    while ((await worker.runOnce()) > 0);
    expect(sender.sent).toEqual(['order:m0', 'order:m1', 'order:m2', 'order:m3', 'order:m4']);
    expect(await db.prisma.outboxMessage.count({ where: { target: 'order', status: 'sent' } })).toBe(5);
  });

  it('honours retry_after, backs off, and keeps a row that fails for good', async () => {
    await queue(db, 'retry', 1);
    await queue(db, 'broken', 1);
    let now = new Date();
    let calls = 0;
    const sender = recorder((row) => {
      if (row.target === 'retry' && calls++ === 0) return new PlatformError('telegram', 'sendMessage', 'Too Many Requests', { retryable: true, retryAfterMs: 7000 });
      if (row.target === 'broken') return new PlatformError('telegram', 'sendMessage', 'Forbidden: bot was blocked by the user', { retryable: false });
      return undefined;
    });
    const worker = new OutboxWorker({ db: db.prisma, senders: { telegram: sender }, log, now: () => now });
    await worker.runOnce();
    const waiting = await db.prisma.outboxMessage.findFirstOrThrow({ where: { target: 'retry' } });
    expect(waiting.status).toBe('pending');
    expect(waiting.nextAttemptAt.getTime() - now.getTime()).toBe(7000);
    expect(await worker.runOnce()).toBe(0); // not yet due
    now = new Date(now.getTime() + 7000);
    await worker.runOnce();
    expect(sender.sent).toContain('retry:m0');
    const broken = await db.prisma.outboxMessage.findFirstOrThrow({ where: { target: 'broken' } });
    expect(broken.status).toBe('failed');
    expect(broken.lastError).toContain('blocked');
  });

  it('leaves rows of channels it has no sender for, and holds rows until released', async () => {
    await db.prisma.outboxMessage.create({ data: { channel: 'wechat', kind: 'text', target: 'w1', payload: { text: 'later' } } });
    await queue(db, 'held', 1);
    let hold = true;
    const sender = recorder((row) => (row.target === 'held' && hold ? new PlatformError('telegram', 'sendMessage', 'window closed', { retryable: true, hold: true }) : undefined));
    const worker = new OutboxWorker({ db: db.prisma, senders: { telegram: sender }, log });
    await worker.runOnce();
    expect((await db.prisma.outboxMessage.findFirstOrThrow({ where: { target: 'held' } })).status).toBe('held');
    expect((await db.prisma.outboxMessage.findFirstOrThrow({ where: { target: 'w1' } })).status).toBe('pending');
    expect(await worker.runOnce()).toBe(0);
    hold = false;
    expect(await releaseHeldMessages(db.prisma, 'telegram', 'held', new Date())).toBe(1);
    await worker.runOnce();
    expect(sender.sent).toContain('held:m0');
  });

  it('two workers racing deliver every row exactly once', async () => {
    await queue(db, 'race', 40);
    const a = recorder();
    const b = recorder();
    const wa = new OutboxWorker({ db: db.prisma, senders: { telegram: a }, log, batchSize: 5 });
    const wb = new OutboxWorker({ db: db.prisma, senders: { telegram: b }, log, batchSize: 5 });
    const drain = async (w: OutboxWorker) => {
      while ((await w.runOnce()) > 0);
    };
    await Promise.all([drain(wa), drain(wb)]);
    const all = [...a.sent, ...b.sent].filter((s) => s.startsWith('race:'));
    expect(all).toHaveLength(40);
    expect(new Set(all).size).toBe(40);
  });
});
