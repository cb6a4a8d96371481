/**
 * What staff actions do to deadlines, on a controlled clock: the pause while waiting for the customer,
 * the one extension, reclassification, transfer and reopening. Example calendar: Mon–Fri 09:00–12:00 and
 * 13:30–18:00 Asia/Shanghai (7.5 business hours a day); general complaints resolve in 24 business hours.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { TestClock } from '../support/context.ts';
import { fileComplaint } from '../../src/app/complaints/file-complaint.ts';
import { handleStaffAction, type StaffAction } from '../../src/app/staff/handle-staff-action.ts';
import { handleCustomerMessage } from '../../src/app/customers/handle-customer-message.ts';
import { useTestContext, type TestAppContext } from '../support/use-test-context.ts';

const AGENT = 'ou_cs_agent_1';
/** Shanghai local time → Date (UTC+8, no DST). */
const sh = (local: string) => new Date(`${local}+08:00`);
const MIN = 60_000;

describe.each(testDatabases())('staff actions and deadlines on $name', (kind) => {
  const clock = new TestClock(sh('2026-11-23T10:00:00'));
  let ctx: TestAppContext;
  let seq = 0;
  useTestContext(kind, (c) => (ctx = c), { clock });

  async function file(userId: string, at: string) {
    clock.current = sh(at);
    return ctx.db.$transaction(async (tx) => {
      const customer = await tx.customer.upsert({
        where: { platform_platformUserId: { platform: 'telegram', platformUserId: userId } },
        create: { platform: 'telegram', platformUserId: userId, chatId: userId, displayName: `User ${userId}`, language: 'en' },
        update: {},
      });
      return fileComplaint(ctx, tx, { customerId: customer.id, categoryId: 'service', description: 'Rude courier', contactPhone: '13812345678', language: 'en' });
    });
  }
  async function act(complaintId: number, at: string, action: StaffAction, operator = AGENT) {
    clock.current = sh(at);
    return handleStaffAction(ctx, { eventId: `ev-${kind.name}-${++seq}`, operatorOpenId: operator, complaintId, action });
  }
  const load = (id: number) => ctx.db.complaint.findUniqueOrThrow({ where: { id } });

  it('stops the clock while waiting for the customer and adds the waiting business time to the deadlines when they answer', async () => {
    const c = await file('2001', '2026-11-23T10:00:00');
    expect(c.resolveDueAt).toEqual(sh('2026-11-26T11:30:00'));
    await act(c.id, '2026-11-23T10:00:00', { kind: 'accept' });
    expect((await act(c.id, '2026-11-23T10:30:00', { kind: 'ask', text: 'Which day?' })).toast.type).toBe('success');
    const waiting = await load(c.id);
    expect(waiting).toMatchObject({ status: 'waiting_customer', pausedAt: sh('2026-11-23T10:30:00'), firstReplyAt: sh('2026-11-23T10:30:00') });

    clock.current = sh('2026-11-24T10:30:00'); // a full working day later: 450 business minutes
    await handleCustomerMessage(ctx, { platform: 'telegram', eventId: `tg-${kind.name}-1`, userId: '2001', chatId: '2001', displayName: 'User 2001', languageCode: 'en', text: 'Last Tuesday.' });
    const answered = await load(c.id);
    expect(answered).toMatchObject({ status: 'in_progress', pausedAt: null, pausedMinutes: 450 });
    expect(answered.resolveDueAt).toEqual(sh('2026-11-27T11:30:00'));
    expect(answered.hardLimitAt.getTime()).toBeGreaterThan(c.hardLimitAt.getTime());
    const event = await ctx.db.complaintEvent.findFirstOrThrow({ where: { complaintId: c.id, type: 'customer_replied' } });
    expect(event.data).toMatchObject({ text: 'Last Tuesday.', pausedMinutes: 450 });
    const thread = await ctx.db.outboxMessage.findFirstOrThrow({ where: { complaintId: c.id, kind: 'thread.reply' } });
    expect(JSON.stringify(thread.payload)).toContain('Last Tuesday.');
  });

  it('extends the resolve deadline once: hours in business time, days to the end of a working day, never past the hard limit', async () => {
    const c = await file('2002', '2026-11-23T10:00:00');
    await act(c.id, '2026-11-23T10:05:00', { kind: 'accept' });
    const tooFar = await ctx.db.complaint.update({ where: { id: c.id }, data: { hardLimitAt: sh('2026-11-26T12:00:00') } });
    const refused = await act(c.id, '2026-11-23T11:00:00', { kind: 'extend', extension: '1d', reason: 'Waiting for a part' });
    expect(refused.toast.type).toBe('warning');
    expect(refused.toast.text).toContain('2026-11-26 12:00');
    expect(await load(c.id)).toEqual(tooFar);

    await ctx.db.complaint.update({ where: { id: c.id }, data: { hardLimitAt: c.hardLimitAt } });
    expect((await act(c.id, '2026-11-23T11:00:00', { kind: 'extend', extension: '2h', reason: 'Waiting for a part' })).toast.type).toBe('success');
    expect(await load(c.id)).toMatchObject({ resolveDueAt: sh('2026-11-26T15:00:00'), deadlineExtended: true, extensionMinutes: 120 });
    const told = await ctx.db.outboxMessage.findFirstOrThrow({ where: { complaintId: c.id, channel: 'telegram' }, orderBy: { id: 'desc' } });
    expect((told.payload as { text: string }).text).toBe('Your complaint ' + c.number + ' needs more time: Waiting for a part. We expect to resolve it by 2026-11-26 15:00.');
    expect((await act(c.id, '2026-11-23T11:05:00', { kind: 'extend', extension: '1d', reason: 'again' })).toast.type).toBe('warning');

    // A new severity recomputes from the original clock start and keeps the extension.
    expect((await act(c.id, '2026-11-23T11:10:00', { kind: 'classify', category: 'service', severity: 'important' })).toast.text).toContain('2026-11-24 10:30');
    expect(await load(c.id)).toMatchObject({ severity: 'important', resolveDueAt: sh('2026-11-24T10:30:00'), acceptDueAt: sh('2026-11-23T11:00:00') });
  });

  it('a day extension runs to the end of the next working day after the current deadline', async () => {
    const c = await file('2003', '2026-11-23T10:00:00');
    await act(c.id, '2026-11-23T10:05:00', { kind: 'accept' });
    await act(c.id, '2026-11-23T10:10:00', { kind: 'extend', extension: '1d', reason: 'Supplier closed today' });
    expect((await load(c.id)).resolveDueAt).toEqual(sh('2026-11-27T18:00:00'));
  });

  it('a transfer restarts the accept clock in the new department; a later reclassification keeps counting from the transfer', async () => {
    const c = await file('2004', '2026-11-23T10:00:00');
    await act(c.id, '2026-11-23T11:00:00', { kind: 'transfer', department: 'tech', reason: 'Router' });
    expect(await load(c.id)).toMatchObject({ departmentId: 'tech', acceptDueAt: sh('2026-11-23T14:30:00'), resolveDueAt: c.resolveDueAt });
    await act(c.id, '2026-11-23T11:10:00', { kind: 'classify', category: 'network', severity: 'major' }, 'ou_tech_agent_1');
    expect(await load(c.id)).toMatchObject({ severity: 'major', acceptDueAt: sh('2026-11-23T11:30:00'), resolveDueAt: sh('2026-11-24T16:00:00') });
  });

  it('reopening clears the resolution, asks for a call back within 48 business hours and restarts the resolve clock', async () => {
    const c = await file('2005', '2026-11-23T10:00:00');
    await act(c.id, '2026-11-23T10:05:00', { kind: 'accept' });
    await act(c.id, '2026-11-24T10:00:00', { kind: 'resolve', resolution: 'Apologised.' });
    await act(c.id, '2026-11-24T11:00:00', { kind: 'reopen', reason: 'Customer still unhappy' });
    expect(await load(c.id)).toMatchObject({
      status: 'reopened',
      resolution: null,
      firstReplyAt: null,
      // recontact, 2,880 business minutes by hand: Tue 330, Wed–Fri 1,350, Mon 450, Tue 450, Wed 09:00 + 300 → 12:00 + 120 → 15:30
      firstReplyDueAt: sh('2026-12-02T15:30:00'),
      resolveDueAt: sh('2026-11-27T14:00:00'),
    });
  });
});
