import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { testContext } from '../support/context.ts';
import type { Database } from '../../src/store/database.ts';
import type { AppContext } from '../../src/app/shared/context.ts';
import { handleCustomerMessage } from '../../src/app/customers/handle-customer-message.ts';
import { handleStaffAction } from '../../src/app/staff/handle-staff-action.ts';
import { fileComplaint } from '../../src/app/complaints/file-complaint.ts';
import type { CustomerInbound } from '../../src/app/shared/inbound.ts';

let seq = 0;
function msg(userId: string, fields: Partial<CustomerInbound>): CustomerInbound {
  return { platform: 'telegram', eventId: `e${++seq}`, userId, chatId: userId, displayName: 'Li Lei', languageCode: 'en', ...fields };
}

async function lastTexts(ctx: AppContext, chatId: string, n = 1): Promise<string[]> {
  const rows = await ctx.db.outboxMessage.findMany({ where: { target: chatId, channel: 'telegram' }, orderBy: { id: 'desc' }, take: n });
  return rows.map((r) => (r.payload as { text: string }).text).reverse();
}

async function fileOne(ctx: AppContext, user: string) {
  await handleCustomerMessage(ctx, msg(user, { text: '/complain' }));
  await handleCustomerMessage(ctx, msg(user, { button: 'cat:service' }));
  await handleCustomerMessage(ctx, msg(user, { text: 'The courier of order 5521' }));
  await handleCustomerMessage(ctx, msg(user, { text: 'The courier was rude at the door.' }));
  await handleCustomerMessage(ctx, msg(user, { button: 'when:today' }));
  await handleCustomerMessage(ctx, msg(user, { text: 'An apology' }));
  await handleCustomerMessage(ctx, msg(user, { text: '138 1234 5678' }));
  await handleCustomerMessage(ctx, msg(user, { button: 'skip' })); // no requested reply time
  await handleCustomerMessage(ctx, msg(user, { button: 'done' })); // no photos
  await handleCustomerMessage(ctx, msg(user, { button: 'confirm' }));
  return ctx.db.complaint.findFirstOrThrow({ where: { customer: { platformUserId: user } }, orderBy: { id: 'desc' } });
}

describe.each(testDatabases())('complaint flow on $name', (kind) => {
  let database: Database;
  let ctx: Awaited<ReturnType<typeof testContext>>;
  beforeAll(async () => {
    database = await kind.open();
    ctx = await testContext(database);
  });
  afterAll(async () => database?.close());

  it('files a complaint step by step: number, deadlines, audit event, acknowledgement and card', async () => {
    const c = await fileOne(ctx, '1001');
    expect(c.number).toBe('TS-20261123-0001');
    expect(c.status).toBe('registered');
    expect(c.contactPhone).toBe('13812345678');
    expect(c.departmentId).toBe('cs');
    // Monday 2026-11-23 10:00 Shanghai, general: accept within 2 business hours → 12:00
    expect(c.acceptDueAt.toISOString()).toBe('2026-11-23T04:00:00.000Z');
    const events = await ctx.db.complaintEvent.findMany({ where: { complaintId: c.id } });
    expect(events.map((e) => e.type)).toEqual(['registered']);
    expect((await lastTexts(ctx, '1001'))[0]).toContain('TS-20261123-0001');
    const card = await ctx.db.outboxMessage.findFirst({ where: { complaintId: c.id, kind: 'card.send' } });
    expect(card?.target).toBe('oc_cs_group');
    expect(await ctx.db.conversation.count({ where: { userId: '1001' } })).toBe(0);
  });

  it('handles a redelivered update once', async () => {
    const first = msg('1002', { text: '/complain' });
    await handleCustomerMessage(ctx, first);
    await handleCustomerMessage(ctx, { ...first });
    expect(await ctx.db.outboxMessage.count({ where: { target: '1002' } })).toBe(1);
  });

  it('answers bad input clearly and keeps the draft', async () => {
    const u = '1003';
    await handleCustomerMessage(ctx, msg(u, { text: '/complain' }));
    await handleCustomerMessage(ctx, msg(u, { text: 'just typing' }));
    expect((await lastTexts(ctx, u))[0]).toMatch(/choose/);
    await handleCustomerMessage(ctx, msg(u, { button: 'cat:nonexistent' }));
    expect((await lastTexts(ctx, u))[0]).toMatch(/no longer active/);
    await handleCustomerMessage(ctx, msg(u, { button: 'cat:quality' }));
    await handleCustomerMessage(ctx, msg(u, { text: '   ' }));
    expect((await lastTexts(ctx, u))[0]).toMatch(/empty/);
    await handleCustomerMessage(ctx, msg(u, { text: 'x'.repeat(2001) }));
    expect((await lastTexts(ctx, u))[0]).toMatch(/too long \(2001/);
    await handleCustomerMessage(ctx, msg(u, { hasMedia: true }));
    expect((await lastTexts(ctx, u))[0]).toMatch(/needs a text/);
    await handleCustomerMessage(ctx, msg(u, { text: 'The phone I bought' }));
    await handleCustomerMessage(ctx, msg(u, { text: 'Screen cracked after one day' }));
    await handleCustomerMessage(ctx, msg(u, { text: 'yesterday evening' }));
    await handleCustomerMessage(ctx, msg(u, { text: 'A replacement' }));
    await handleCustomerMessage(ctx, msg(u, { text: '12345' }));
    expect((await lastTexts(ctx, u))[0]).toMatch(/not a valid phone/);
    await handleCustomerMessage(ctx, msg(u, { text: '/frobnicate' }));
    expect((await lastTexts(ctx, u))[0]).toMatch(/Unknown command \/frobnicate/);
    await handleCustomerMessage(ctx, msg(u, { text: 'skip' }));
    await handleCustomerMessage(ctx, msg(u, { text: 'skip' })); // no requested reply time
    await handleCustomerMessage(ctx, msg(u, { text: 'done' })); // no photos
    expect((await lastTexts(ctx, u))[0]).toMatch(/Contact phone: not given/);
    const conv = await ctx.db.conversation.findFirstOrThrow({ where: { userId: u } });
    expect(conv.step).toBe('confirm');
    expect(conv.data).toMatchObject({ category: 'quality', description: 'Screen cracked after one day', phone: null });
    await handleCustomerMessage(ctx, msg(u, { text: '/cancel' }));
    expect((await lastTexts(ctx, u))[0]).toMatch(/Cancelled/);
    await handleCustomerMessage(ctx, msg(u, { button: 'confirm' }));
    expect((await lastTexts(ctx, u))[0]).toMatch(/no longer active/);
    expect(await ctx.db.complaint.count({ where: { customer: { platformUserId: u } } })).toBe(0);
  });

  it('speaks Chinese to a zh customer and accepts 投诉 as the start word', async () => {
    await handleCustomerMessage(ctx, msg('1004', { text: '投诉', languageCode: 'zh-hans' }));
    expect((await lastTexts(ctx, '1004'))[0]).toMatch(/^请选择投诉类别：/);
  });

  it('numbers stay unique per day when many complaints are filed at once', async () => {
    const customer = await ctx.db.customer.findFirstOrThrow({ where: { platformUserId: '1001' } });
    const made = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        ctx.db.$transaction((tx) => fileComplaint(ctx, tx, { customerId: customer.id, categoryId: 'other', description: `parallel ${i}`, contactPhone: null, language: 'en' })),
      ),
    );
    const numbers = new Set(made.map((c) => c.number));
    expect(numbers.size).toBe(12);
    ctx.clock.advance(24 * 3600_000);
    const next = await ctx.db.$transaction((tx) => fileComplaint(ctx, tx, { customerId: customer.id, categoryId: 'other', description: 'next day', contactPhone: null, language: 'en' }));
    expect(next.number).toBe('TS-20261124-0001');
    ctx.clock.advance(-24 * 3600_000);
  });

  it('accepts once when two staff click at the same time, and tells the second what happened', async () => {
    const c = await fileOne(ctx, '1005');
    const [a, b] = await Promise.all([
      handleStaffAction(ctx, { eventId: 'ev-a', operatorOpenId: 'ou_cs_agent_1', complaintId: c.id, action: { kind: 'accept' } }),
      handleStaffAction(ctx, { eventId: 'ev-b', operatorOpenId: 'ou_cs_agent_2', complaintId: c.id, action: { kind: 'accept' } }),
    ]);
    const toasts = [a.toast.text, b.toast.text];
    expect(toasts.filter((text) => /^已受理 TS-/.test(text))).toHaveLength(1);
    expect(toasts.filter((text) => /已由 (王芳|李强) 于 .* 受理/.test(text))).toHaveLength(1);
    const accepted = await ctx.db.complaintEvent.count({ where: { complaintId: c.id, type: 'accept' } });
    expect(accepted).toBe(1);
    const after = await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } });
    expect(after.status).toBe('accepted');
    expect(after.version).toBe(1);
  });

  it('refuses staff of another department and unknown people, changing nothing', async () => {
    const c = await fileOne(ctx, '1006');
    const other = await handleStaffAction(ctx, { eventId: 'ev-c', operatorOpenId: 'ou_qa_agent_1', complaintId: c.id, action: { kind: 'accept' } });
    expect(other.toast.type).toBe('error');
    expect(other.toast.text).toContain('客服部');
    const stranger = await handleStaffAction(ctx, { eventId: 'ev-d', operatorOpenId: 'ou_nobody', complaintId: c.id, action: { kind: 'accept' } });
    expect(stranger.toast.type).toBe('error');
    expect((await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('registered');
  });

  it('resolves with a note, refuses an empty note, and tells the customer', async () => {
    const c = await fileOne(ctx, '1007');
    const early = await handleStaffAction(ctx, { eventId: 'ev-e', operatorOpenId: 'ou_cs_agent_1', complaintId: c.id, action: { kind: 'resolve', resolution: 'done' } });
    expect(early.toast.type).toBe('warning'); // not accepted yet
    await handleStaffAction(ctx, { eventId: 'ev-f', operatorOpenId: 'ou_cs_agent_1', complaintId: c.id, action: { kind: 'accept' } });
    const empty = await handleStaffAction(ctx, { eventId: 'ev-g', operatorOpenId: 'ou_cs_agent_1', complaintId: c.id, action: { kind: 'resolve', resolution: '  ' } });
    expect(empty.toast.type).toBe('warning');
    const ok = await handleStaffAction(ctx, { eventId: 'ev-h', operatorOpenId: 'ou_cs_supervisor', complaintId: c.id, action: { kind: 'resolve', resolution: 'Apologised and refunded the fee.' } });
    expect(ok.toast.type).toBe('success');
    const again = await handleStaffAction(ctx, { eventId: 'ev-i', operatorOpenId: 'ou_cs_agent_1', complaintId: c.id, action: { kind: 'resolve', resolution: 'again' } });
    expect(again.toast.text).toMatch(/已由 张敏 于 .* 办结/);
    const after = await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id }, include: { events: true } });
    expect(after.status).toBe('resolved');
    expect(after.events.map((e) => `${e.type}:${e.actorName}`)).toEqual(['registered:Li Lei', 'accept:王芳', 'resolve:张敏']);
    const [resolved, rating] = await lastTexts(ctx, '1007', 2);
    expect(resolved).toContain('Apologised and refunded the fee.');
    expect(rating).toMatch(/rate from 1/); // the satisfaction follow-up comes right after
  });
});
