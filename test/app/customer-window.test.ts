/** The per-customer window and numbered-reply state, on a real database (PGlite, and PostgreSQL when configured). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import type { Database } from '../../src/store/database.ts';
import { closeWindow, customerWindow, refundWindowSlot, releaseHeldInOpenWindows, reopenWindow, reserveWindowSlot } from '../../src/app/customers/customer-window.ts';
import { buttonForReply, rememberButtons } from '../../src/app/customers/reply-buttons.ts';
import { releaseHeldMessages } from '../../src/delivery/outbox-worker.ts';

const T0 = new Date('2026-11-23T02:00:00Z');
const later = (h: number) => new Date(T0.getTime() + h * 3_600_000);

describe.each(testDatabases())('customer window on $name', (kind) => {
  let db: Database;
  let seq = 0;
  beforeAll(async () => {
    db = await kind.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  async function customer(lastInboundAt: Date | null = T0) {
    const id = `wx_user_${++seq}`;
    return db.prisma.customer.create({ data: { platform: 'wechat', platformUserId: id, chatId: id, displayName: id, lastInboundAt } });
  }

  it('hands out exactly 5 slots, the last with 0 remaining, then none', async () => {
    const c = await customer();
    const slots = [];
    for (let i = 0; i < 6; i++) slots.push(await reserveWindowSlot(db.prisma, 'wechat', c.platformUserId, later(1)));
    expect(slots.slice(0, 5).map((s) => [s?.slot, s?.remaining])).toEqual([
      [1, 4],
      [2, 3],
      [3, 2],
      [4, 1],
      [5, 0],
    ]);
    expect(slots[5]).toBeNull();
    expect(await customerWindow(db.prisma, c.id, later(1))).toEqual({ open: false, remaining: 0, closesAt: later(48) });
  });

  it('never overspends the window when many senders claim at once', async () => {
    const c = await customer();
    const claims = await Promise.all(Array.from({ length: 12 }, () => reserveWindowSlot(db.prisma, 'wechat', c.platformUserId, later(1))));
    expect(claims.filter(Boolean)).toHaveLength(5);
    expect(new Set(claims.filter(Boolean).map((s) => s!.slot))).toEqual(new Set([1, 2, 3, 4, 5]));
  });

  it('is closed 48 hours after the customer wrote, and for a customer who never wrote', async () => {
    const c = await customer();
    expect(await reserveWindowSlot(db.prisma, 'wechat', c.platformUserId, later(48))).toBeNull();
    const never = await customer(null);
    expect(await reserveWindowSlot(db.prisma, 'wechat', never.platformUserId, T0)).toBeNull();
    expect(await reserveWindowSlot(db.prisma, 'wechat', 'nobody', T0)).toBeNull();
  });

  it('reopens with a full count when the customer writes again', async () => {
    const c = await customer();
    for (let i = 0; i < 5; i++) await reserveWindowSlot(db.prisma, 'wechat', c.platformUserId, later(1));
    await reopenWindow(db.prisma, 'wechat', c.platformUserId, later(50));
    expect(await customerWindow(db.prisma, c.id, later(50))).toEqual({ open: true, remaining: 5, closesAt: later(98) });
  });

  it('gives a refused slot back, and closes the window when WeChat says so, unless the customer wrote meanwhile', async () => {
    const c = await customer();
    const slot = (await reserveWindowSlot(db.prisma, 'wechat', c.platformUserId, later(1)))!;
    await refundWindowSlot(db.prisma, 'wechat', c.platformUserId, slot);
    expect((await customerWindow(db.prisma, c.id, later(1))).remaining).toBe(5);

    const again = (await reserveWindowSlot(db.prisma, 'wechat', c.platformUserId, later(1)))!;
    expect(await closeWindow(db.prisma, 'wechat', c.platformUserId, again)).toBe(true);
    expect((await customerWindow(db.prisma, c.id, later(1))).open).toBe(false);

    await reopenWindow(db.prisma, 'wechat', c.platformUserId, later(2));
    const third = (await reserveWindowSlot(db.prisma, 'wechat', c.platformUserId, later(2)))!;
    await reopenWindow(db.prisma, 'wechat', c.platformUserId, later(3));
    expect(await closeWindow(db.prisma, 'wechat', c.platformUserId, third)).toBe(false);
    expect((await customerWindow(db.prisma, c.id, later(3))).remaining).toBe(5);
  });

  it('puts held messages back in line only for customers whose window is open', async () => {
    const open = await customer(later(10));
    const closed = await customer(T0);
    const held = async (target: string) =>
      db.prisma.outboxMessage.create({ data: { channel: 'wechat', kind: 'text', target, payload: { text: 'x' }, status: 'held', nextAttemptAt: T0, createdAt: T0 } });
    const a = await held(open.chatId);
    const b = await held(closed.chatId);
    expect(await releaseHeldInOpenWindows(db.prisma, 'wechat', later(50))).toBe(1);
    expect((await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: a.id } })).status).toBe('pending');
    expect((await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: b.id } })).status).toBe('held');
    expect(await releaseHeldMessages(db.prisma, 'wechat', closed.chatId, later(60))).toBe(1);
  });
});

describe.each(testDatabases())('numbered replies on $name', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await kind.open();
    await db.prisma.customer.create({ data: { platform: 'wechat', platformUserId: 'wx_btn', chatId: 'wx_btn', displayName: 'b' } });
  });
  afterAll(async () => {
    await db?.close();
  });

  const categories = [
    [
      { label: '产品质量', data: 'cat:quality' },
      { label: '服务态度', data: 'cat:service' },
    ],
    [{ label: '✅ 确认提交', data: 'confirm' }],
  ];

  it('maps a number, a full-width number or an exact label to the button of the last message sent', async () => {
    await rememberButtons(db.prisma, 'wechat', 'wx_btn', categories);
    expect(await buttonForReply(db.prisma, 'wechat', 'wx_btn', '2')).toBe('cat:service');
    expect(await buttonForReply(db.prisma, 'wechat', 'wx_btn', ' 3 ')).toBe('confirm');
    expect(await buttonForReply(db.prisma, 'wechat', 'wx_btn', '１')).toBe('cat:quality');
    expect(await buttonForReply(db.prisma, 'wechat', 'wx_btn', '2.')).toBe('cat:service');
    expect(await buttonForReply(db.prisma, 'wechat', 'wx_btn', '确认提交')).toBe('confirm');
    expect(await buttonForReply(db.prisma, 'wechat', 'wx_btn', '服务态度')).toBe('cat:service');
  });

  it('leaves other text alone: out-of-range numbers, longer text, other users', async () => {
    await rememberButtons(db.prisma, 'wechat', 'wx_btn', categories);
    for (const text of ['0', '4', '12', '1 2', '2 please', '13812345678', '', undefined]) expect(await buttonForReply(db.prisma, 'wechat', 'wx_btn', text)).toBeUndefined();
    expect(await buttonForReply(db.prisma, 'wechat', 'someone_else', '1')).toBeUndefined();
  });

  it('forgets the buttons once a message without buttons was sent', async () => {
    await rememberButtons(db.prisma, 'wechat', 'wx_btn', categories);
    await rememberButtons(db.prisma, 'wechat', 'wx_btn', undefined);
    expect(await buttonForReply(db.prisma, 'wechat', 'wx_btn', '1')).toBeUndefined();
  });
});
