/**
 * A card update may replace an older pending update of the same card (issue 13): updates are drawn from the
 * database when sent, so of a burst of updates of one card only the newest goes out, in the lane's order
 * relative to the other messages; other cards and other messages are untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import type { Database } from '../../src/store/database.ts';
import { OutboxWorker, type ChannelSender } from '../../src/delivery/outbox-worker.ts';
import { createLogger } from '../../src/logger.ts';

describe.each(testDatabases())('card updates coalesced on $name', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await kind.open();
  });
  afterAll(async () => db?.close());

  it('sends only the newest pending update of a card; other cards and texts go out in order', async () => {
    const chat = `oc_coalesce_${kind.name}`;
    const rows: [string, object][] = [
      ['card.patch', { cardId: 101 }],
      ['text', { text: 'thread reply' }],
      ['card.patch', { cardId: 101 }],
      ['card.patch', { cardId: 102 }],
      ['card.patch', { cardId: 101 }],
    ];
    const ids: number[] = [];
    for (const [k, payload] of rows) ids.push((await db.prisma.outboxMessage.create({ data: { channel: 'feishu', kind: k, target: chat, payload } })).id);
    const sent: string[] = [];
    const sender: ChannelSender = {
      async send(row) {
        const p = row.payload as { cardId?: number; text?: string };
        sent.push(row.kind === 'card.patch' ? `card ${p.cardId} (#${row.id})` : p.text!);
      },
    };
    const worker = new OutboxWorker({ db: db.prisma, senders: { feishu: sender }, log: createLogger('silent') });
    while ((await worker.runOnce()) > 0);
    expect(sent).toEqual(['thread reply', 'card 102 (#' + ids[3] + ')', 'card 101 (#' + ids[4] + ')']);
    const all = await db.prisma.outboxMessage.findMany({ where: { target: chat }, orderBy: { id: 'asc' } });
    expect(all.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    expect(all[0]!.lastError).toBe(`superseded by #${ids[4]}`);
    expect(all[2]!.lastError).toBe(`superseded by #${ids[4]}`);
    expect(all[4]!.sentAt).not.toBeNull();
  });
});
