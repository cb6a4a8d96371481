/**
 * Group commands and card bookkeeping on a controlled clock: what /open, /overdue and /stats count,
 * which cards are patched, replaced or retired, and where customer messages go.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { TestClock } from '../support/context.ts';
import { fileComplaint } from '../../src/app/complaints/file-complaint.ts';
import { handleStaffAction, type StaffAction } from '../../src/app/staff/handle-staff-action.ts';
import { handleStaffCommand, LIST_LIMIT } from '../../src/app/staff/handle-staff-command.ts';
import { refreshComplaintCards, postCardInChat, threadCard } from '../../src/app/complaints/complaint-cards.ts';
import { useTestContext, type TestAppContext } from '../support/use-test-context.ts';

const sh = (local: string) => new Date(`${local}+08:00`);
const DAY = 24 * 3600_000;

describe.each(testDatabases())('staff commands and cards on $name', (kind) => {
  const clock = new TestClock(sh('2026-11-23T10:00:00'));
  let ctx: TestAppContext;
  let seq = 0;
  useTestContext(kind, (c) => (ctx = c), { clock });

  async function file(category: string, at: string) {
    clock.current = sh(at);
    const userId = `u${++seq}`;
    return ctx.db.$transaction(async (tx) => {
      const customer = await tx.customer.create({ data: { platform: 'telegram', platformUserId: userId, chatId: userId, displayName: userId, language: 'en' } });
      return fileComplaint(ctx, tx, { customerId: customer.id, categoryId: category, description: 'x', contactPhone: null, language: 'en' });
    });
  }
  async function act(complaintId: number, at: string, action: StaffAction, operator: string) {
    clock.current = sh(at);
    return handleStaffAction(ctx, { eventId: `ev-${++seq}`, operatorOpenId: operator, complaintId, action });
  }
  /** Runs a command and returns what the bot queued for that chat. */
  async function command(chatId: string, sender: string, text: string, at: string): Promise<string> {
    clock.current = sh(at);
    const before = await ctx.db.outboxMessage.findFirst({ orderBy: { id: 'desc' } });
    await handleStaffCommand(ctx, { messageId: `om-${++seq}`, chatId, chatType: 'group', senderOpenId: sender, text });
    const rows = await ctx.db.outboxMessage.findMany({ where: { target: chatId, kind: 'text', id: { gt: before?.id ?? 0 } } });
    expect(rows).toHaveLength(1);
    return (rows[0]!.payload as { text: string }).text;
  }

  it('/overdue counts the accept deadline while registered, the resolve deadline while worked on, and nothing while waiting for the customer', async () => {
    const late = await file('quality', '2026-11-23T09:00:00'); // important: accept within 1 h → 10:00
    const worked = await file('quality', '2026-11-23T09:00:00'); // resolve within 6 h → 16:30
    const waiting = await file('quality', '2026-11-23T09:00:00');
    await act(worked.id, '2026-11-23T09:10:00', { kind: 'accept' }, 'ou_qa_agent_1');
    await act(waiting.id, '2026-11-23T09:10:00', { kind: 'accept' }, 'ou_qa_agent_1');
    await act(waiting.id, '2026-11-23T09:20:00', { kind: 'ask', text: 'Photo please?' }, 'ou_qa_agent_1');
    const at11 = await command('oc_qa_group', 'ou_qa_agent_1', '/overdue', '2026-11-23T11:00:00');
    expect(at11).toContain(late.number);
    expect(at11).not.toContain(worked.number);
    expect(at11).not.toContain(waiting.number);
    const next = await command('oc_qa_group', 'ou_qa_agent_1', '/overdue', '2026-11-24T09:00:00');
    expect(next).toContain(worked.number);
    expect(next).toContain('办结时限 2026-11-23 16:30（已超时）');
    expect(next).not.toContain(waiting.number);
    const open = await command('oc_qa_group', 'ou_qa_agent_1', '/open', '2026-11-24T09:00:00');
    expect(open).toContain(`${waiting.number} · 等待客户回复 · 质检部 · 陈静 · 等待客户回复（计时暂停）`);
    expect(open).toContain(`${late.number} · 待受理 · 质检部 · 无处理人 · 受理时限 2026-11-23 10:00（已超时）`);
  });

  it('/stats counts this week from Monday 00:00 in the company time zone', async () => {
    const lastWeek = await file('billing', '2026-11-20T10:00:00'); // Friday before
    await act(lastWeek.id, '2026-11-20T10:30:00', { kind: 'accept' }, 'ou_ops_agent_1');
    const a = await file('billing', '2026-11-23T09:30:00');
    const b = await file('billing', '2026-11-23T09:40:00');
    await act(a.id, '2026-11-23T09:45:00', { kind: 'accept' }, 'ou_ops_agent_1');
    await act(a.id, '2026-11-27T11:30:00', { kind: 'resolve', resolution: 'Refunded' }, 'ou_ops_agent_1'); // due Thursday 11:00
    await act(b.id, '2026-11-23T09:50:00', { kind: 'reject', reason: 'out_of_scope', note: '' }, 'ou_ops_agent_1');
    const stats = await command('oc_ops_group', 'ou_ops_agent_1', '/stats', '2026-11-27T12:00:00');
    expect(stats).toContain('📊 运营部 本周（自 2026-11-23 00:00）');
    expect(stats).toContain('新登记 2 · 受理 1 · 办结 1（按时 0%）· 不予受理 1 · 重新打开 0');
    expect(stats).toContain('当前未结 1 · 已超时 1'); // last week's, due Wednesday 11:30
  });

  it('lists at most LIST_LIMIT complaints and says how many more there are', async () => {
    for (let i = 0; i < LIST_LIMIT + 2; i++) await file('delivery', '2026-11-30T10:00:00');
    const list = await command('oc_ops_group', 'ou_ops_supervisor', '/open', '2026-11-30T10:30:00');
    expect(list.split('\n').filter((l) => l.startsWith('TS-'))).toHaveLength(LIST_LIMIT);
    expect(list).toMatch(/……另有 \d+ 件未列出/);
  });

  it('patches current cards, replaces one older than 14 days in the department group, and retires an old one elsewhere', async () => {
    const c = await file('service', '2026-12-01T10:00:00');
    await ctx.db.cardMessage.updateMany({ where: { complaintId: c.id }, data: { messageId: `om_dept_${c.id}` } });
    await ctx.db.$transaction((tx) => postCardInChat(tx, c.id, 'oc_managers_group', sh('2026-12-01T10:00:00')));
    const [dept, managers] = await ctx.db.cardMessage.findMany({ where: { complaintId: c.id, active: true }, orderBy: { id: 'asc' } });
    expect([dept!.chatId, managers!.chatId]).toEqual(['oc_cs_group', 'oc_managers_group']);
    const outbox = () => ctx.db.outboxMessage.findMany({ where: { complaintId: c.id, kind: { startsWith: 'card.' } }, orderBy: { id: 'asc' } });
    const before = (await outbox()).length;

    await ctx.db.$transaction((tx) => refreshComplaintCards(tx, c.id, sh('2026-12-02T10:00:00')));
    expect((await outbox()).slice(before).map((r) => [r.kind, r.target])).toEqual([
      ['card.patch', 'oc_cs_group'],
      ['card.patch', 'oc_managers_group'],
    ]);

    const later = sh('2026-12-01T10:00:00').getTime() + 15 * DAY;
    await ctx.db.$transaction((tx) => refreshComplaintCards(tx, c.id, new Date(later)));
    const rows = (await outbox()).slice(before + 2);
    expect(rows.map((r) => [r.kind, r.target])).toEqual([['card.send', 'oc_cs_group']]);
    const active = await ctx.db.cardMessage.findMany({ where: { complaintId: c.id, active: true } });
    expect(active.map((a) => a.chatId)).toEqual(['oc_cs_group']);
    expect(active[0]!.id).not.toBe(dept!.id);
    // customer messages go to the thread of the department's current card
    expect((await ctx.db.$transaction((tx) => threadCard(tx, c.id, 'oc_cs_group')))!.id).toBe(active[0]!.id);
  });
});
