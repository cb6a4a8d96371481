/**
 * The satisfaction follow-up (回访) on a real database: the rating request after resolution, ratings that
 * close or reopen, the optional comment, stale rating buttons, and closing unrated complaints as "no response".
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { closeUnratedComplaints } from '../../src/app/complaints/close-unrated-complaints.ts';
import { acceptAndResolve, buttonData, fileThroughFlow, lastText, say, sent, staffDoes } from './customer-conversation.ts';
import { useTestContext, type TestAppContext } from '../support/use-test-context.ts';
import { DateTime } from 'luxon';
import { recontactDueAt } from '../../src/domain/sla.ts';
import { businessMinutesBetween, isWorkingTime } from '../../src/domain/calendar.ts';
import { formatLocalTime } from '../../src/app/shared/format.ts';
import { loadComplaintView } from '../../src/app/complaints/complaint-view.ts';
import { renderComplaintCard } from '../../cards/complaint-card.ts';

const HOUR = 3600_000;

describe.each(testDatabases())('customer rating on $name', (kind) => {
  const monday10am = new Date('2026-11-23T02:00:00Z');
  let ctx: TestAppContext;
  useTestContext(kind, (c) => (ctx = c), { resetClockTo: monday10am });

  async function departmentTexts(complaintId: number): Promise<string[]> {
    const rows = await ctx.db.outboxMessage.findMany({ where: { complaintId, channel: 'feishu', kind: { in: ['text', 'thread.reply'] } }, orderBy: { id: 'asc' } });
    return rows.map((r) => (r.payload as { text: string }).text);
  }

  it('asks for a rating right after the resolution, with one button per score', async () => {
    const u = '4001';
    const c = await fileThroughFlow(ctx, u);
    await acceptAndResolve(ctx, c.id, 'Refunded the fee.');
    const [resolved, ask] = await sent(ctx, u, 2);
    expect(resolved!.text).toContain('Refunded the fee.');
    expect(ask!.text).toBe(`How satisfied are you with how ${c.number} was handled? Please rate from 1 (very unsatisfied) to 5 (very satisfied).`);
    expect(buttonData(ask)).toEqual([1, 2, 3, 4, 5].map((n) => `rate:${c.id}:${n}`));
  });

  it('a good rating closes the complaint; the optional comment is stored', async () => {
    const u = '4002';
    const c = await fileThroughFlow(ctx, u);
    await acceptAndResolve(ctx, c.id);
    ctx.clock.advance(HOUR);
    await say(ctx, u, { button: `rate:${c.id}:4` });
    const [thanks, askComment] = await sent(ctx, u, 2);
    expect(thanks!.text).toBe(`Thank you for your rating (4/5); complaint ${c.number} is closed.`);
    expect(buttonData(askComment)).toEqual(['skip']);
    await say(ctx, u, 'Quick and polite, thanks.');
    expect(await lastText(ctx, u)).toBe('Thank you, your comment is recorded.');
    const after = await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id }, include: { events: { orderBy: { id: 'asc' } } } });
    expect(after).toMatchObject({ status: 'closed', rating: 4, ratingComment: 'Quick and polite, thanks.', closeReason: 'rated' });
    expect(after.ratedAt?.toISOString()).toBe(new Date(monday10am.getTime() + HOUR).toISOString());
    expect(after.events.slice(-2).map((e) => [e.type, e.actor, e.toStatus, e.data])).toEqual([
      ['close', 'telegram:4002', 'closed', { rating: 4 }],
      ['rating_comment', 'telegram:4002', null, { rating: 4, comment: 'Quick and polite, thanks.' }],
    ]);
    expect(await departmentTexts(c.id)).toEqual([]); // a good rating does not disturb the department
  });

  it('a low rating given late on a Friday: the recontact deadline counts 48 business hours and lands in working hours, named for what it is', async () => {
    const u = '4009';
    const c = await fileThroughFlow(ctx, u);
    await acceptAndResolve(ctx, c.id);
    const fridayLate = new Date('2026-11-27T09:50:00Z'); // Friday 17:50 in Shanghai
    ctx.clock.advance(fridayLate.getTime() - ctx.now().getTime());
    await say(ctx, u, { button: `rate:${c.id}:1` });
    const after = await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } });
    const calendar = ctx.calendarFor(after.departmentId);
    const local = DateTime.fromJSDate(after.firstReplyDueAt).setZone(ctx.calendar.timeZone);
    // not Sunday 17:50 (48 wall-clock hours): 2,880 minutes of working time, ending inside working hours on a working day
    expect(local.toFormat('yyyy-LL-dd HH:mm')).not.toBe('2026-11-29 17:50');
    expect(businessMinutesBetween(fridayLate, after.firstReplyDueAt, calendar)).toBe(48 * 60);
    expect(isWorkingTime(new Date(after.firstReplyDueAt.getTime() - 60_000), calendar)).toBe(true);
    expect(local.weekday).toBeLessThanOrEqual(5);
    // by hand: Friday 10 min, then Mon–Fri 5 × 450, Monday 450, Tuesday 09:00 + 170 min = 11:50
    expect(local.toFormat('yyyy-LL-dd HH:mm')).toBe('2026-12-08 11:50');
    const view = await loadComplaintView(ctx.db, ctx.config, c.id);
    const card = JSON.stringify(renderComplaintCard(view!));
    expect(card).toContain(`**回访不满意客户时限**：2026-12-08 11:50`);
    expect(card).not.toContain('首次答复时限');
  });

  it('a low rating reopens the complaint, tells the department, and asks for contact within 48 hours', async () => {
    const u = '4003';
    const c = await fileThroughFlow(ctx, u);
    await acceptAndResolve(ctx, c.id);
    const patches = await ctx.db.outboxMessage.count({ where: { complaintId: c.id, kind: 'card.patch' } });
    await say(ctx, u, { button: `rate:${c.id}:2` });
    const [sorry] = await sent(ctx, u, 2);
    expect(sorry!.text).toMatch(/reopened; the department will contact you again by /);
    await say(ctx, u, 'The fee was never refunded.');
    const after = await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id }, include: { events: { orderBy: { id: 'asc' } } } });
    expect(after).toMatchObject({ status: 'reopened', rating: 2, ratingComment: 'The fee was never refunded.', resolvedAt: null, closedAt: null });
    // 48 business hours, like every other clock: Monday 10:00 → 390 min that day, 4 × 450, Monday 450, Tuesday 09:00 + 240 min
    expect(after.firstReplyDueAt).toEqual(recontactDueAt(monday10am, ctx.calendarFor(after.departmentId)));
    expect(formatLocalTime(after.firstReplyDueAt, ctx.calendar.timeZone)).toBe('2026-12-01 14:30');
    const due = formatLocalTime(after.firstReplyDueAt, ctx.calendar.timeZone);
    expect(sorry!.text).toContain(`will contact you again by ${due}`);
    expect(after.events.find((e) => e.type === 'reopen')).toMatchObject({ actor: 'telegram:4003', fromStatus: 'resolved', toStatus: 'reopened', data: { rating: 2 } });
    expect(await departmentTexts(c.id)).toEqual([
      `客户 Customer 4003 对投诉 ${c.number} 的处理结果评分 2/5，投诉已重新打开。请在 ${due} 前再次联系客户（回访不满意客户时限，按工作时间计 48 小时）。`,
      `客户 Customer 4003 对投诉 ${c.number} 的评价（2/5）：\nThe fee was never refunded.`,
    ]);
    const dept = await ctx.db.outboxMessage.findFirstOrThrow({ where: { complaintId: c.id, channel: 'feishu', kind: 'text' } });
    expect(dept.target).toBe('oc_cs_group');
    expect(await ctx.db.outboxMessage.count({ where: { complaintId: c.id, kind: 'card.patch' } })).toBeGreaterThan(patches);

    // Resolved again: a new rating request, and this time it closes.
    await staffDoes(ctx, c.id, { kind: 'resolve', resolution: 'Refund sent today, reference 4471.' });
    expect(buttonData((await sent(ctx, u))[0])).toContain(`rate:${c.id}:5`);
    await say(ctx, u, { button: `rate:${c.id}:5` });
    expect((await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('closed');
  });

  it('answers stale and forged rating buttons without changing anything; a typed digit rates too', async () => {
    const u = '4004';
    const c = await fileThroughFlow(ctx, u);
    await say(ctx, u, { button: `rate:${c.id}:5` }); // not resolved yet
    expect(await lastText(ctx, u)).toBe(`Complaint ${c.number} is "Awaiting acceptance" and is not waiting for a rating.`);
    await acceptAndResolve(ctx, c.id);
    const other = await fileThroughFlow(ctx, '4005');
    await acceptAndResolve(ctx, other.id);
    await say(ctx, u, { button: `rate:${other.id}:1` }); // someone else's complaint
    expect(await lastText(ctx, u)).toMatch(/no longer active/);
    expect((await ctx.db.complaint.findUniqueOrThrow({ where: { id: other.id } })).status).toBe('resolved');
    await say(ctx, u, { button: `rate:${c.id}:9` });
    expect(await lastText(ctx, u)).toMatch(/no longer active/);

    await say(ctx, u, '3');
    expect((await sent(ctx, u, 2))[0]!.text).toMatch(/rating \(3\/5\)/);
    await say(ctx, u, { button: 'skip' });
    expect(await lastText(ctx, u)).toBe('OK, thank you for your rating.');
    await say(ctx, u, { button: `rate:${c.id}:1` }); // the old request, pressed again
    expect(await lastText(ctx, u)).toMatch(/is "Closed" and is not waiting for a rating/);
    expect((await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } })).rating).toBe(3);
  });

  it('an unanswered comment question lapses after a day: a later message is not taken as a comment', async () => {
    const u = '4010';
    const c = await fileThroughFlow(ctx, u);
    await acceptAndResolve(ctx, c.id);
    await say(ctx, u, { button: `rate:${c.id}:5` });
    ctx.clock.advance(25 * HOUR);
    await say(ctx, u, 'A different problem: my new router keeps rebooting every few hours.');
    expect(await lastText(ctx, u)).toMatch(/file this as a complaint/);
    expect((await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } })).ratingComment).toBeNull();
  });

  it('a rating in the middle of filing is recorded without replacing the draft', async () => {
    const u = '4006';
    const c = await fileThroughFlow(ctx, u);
    await acceptAndResolve(ctx, c.id);
    ctx.clock.advance(60_000);
    await say(ctx, u, '/complain');
    await say(ctx, u, { button: 'cat:billing' });
    await say(ctx, u, { button: `rate:${c.id}:5` });
    expect((await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('closed');
    const conv = await ctx.db.conversation.findFirstOrThrow({ where: { userId: u } });
    expect([conv.flow, conv.step]).toEqual(['file', 'subject']);
  });

  it('closes complaints left unrated for the configured time as "no response", once', async () => {
    expect(ctx.config.feedback.noResponseCloseAfter).toBe('72h');
    const waiting = await fileThroughFlow(ctx, '4007');
    await acceptAndResolve(ctx, waiting.id);
    const rated = await fileThroughFlow(ctx, '4008');
    await acceptAndResolve(ctx, rated.id);
    await say(ctx, '4008', { button: `rate:${rated.id}:5` });
    ctx.clock.advance(2 * HOUR);
    const later = await fileThroughFlow(ctx, '4009');
    await acceptAndResolve(ctx, later.id);

    const resolvedAt = monday10am.getTime();
    const before = await closeUnratedComplaints(ctx, new Date(resolvedAt + 72 * HOUR - 60_000));
    expect(before.closed).not.toContain(waiting.number);
    const due = await closeUnratedComplaints(ctx, new Date(resolvedAt + 72 * HOUR));
    expect(due.closed).toContain(waiting.number);
    expect(due.closed).not.toContain(rated.number);
    expect(due.closed).not.toContain(later.number); // resolved two hours later: not due yet
    const closed = await ctx.db.complaint.findUniqueOrThrow({ where: { id: waiting.id }, include: { events: { orderBy: { id: 'asc' } } } });
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'no_response', rating: null });
    expect(closed.events.at(-1)).toMatchObject({ type: 'close', actor: 'system', actorName: '系统', data: { reason: 'no_response' } });
    expect(await lastText(ctx, '4007')).toBe(`As we received no rating, complaint ${waiting.number} has been closed. If you are not satisfied with the outcome, send /appeal ${waiting.number}.`);
    expect((await closeUnratedComplaints(ctx, new Date(resolvedAt + 72 * HOUR))).closed).not.toContain(waiting.number);
    await say(ctx, '4007', { button: `rate:${waiting.id}:5` });
    expect(await lastText(ctx, '4007')).toMatch(/is "Closed" and is not waiting for a rating/);
  });
});
