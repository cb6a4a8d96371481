/**
 * The satisfaction follow-up end to end: staff resolve, the customer gets rating buttons on Telegram;
 * a low rating reopens the complaint and the department hears about it in Feishu; a good one closes it;
 * an unanswered request closes the complaint as "no response".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.ts';
import { handleStaffAction, type StaffAction } from '../../src/app/staff/handle-staff-action.ts';
import { closeUnratedComplaints } from '../../src/app/complaints/close-unrated-complaints.ts';
import { buttonsOf, cardOf, CustomerChat, feishuText, harnessKinds } from './customer-e2e.ts';

describe.each(harnessKinds())('customer rating on Telegram ($name)', (kind) => {
  let h: Harness;
  let cleanup: () => Promise<void>;
  let seq = 0;
  beforeAll(async () => {
    const setup = await kind.setup();
    cleanup = setup.cleanup;
    h = await startHarness({ databaseUrl: setup.databaseUrl });
  });
  afterAll(async () => {
    await h?.stop();
    await cleanup?.();
  });

  async function staff(number: string, action: StaffAction) {
    const { id } = await h.bot.ctx.db.complaint.findUniqueOrThrow({ where: { number } });
    const result = await handleStaffAction(h.bot.ctx, { eventId: `e2e-staff-${++seq}`, operatorOpenId: 'ou_cs_agent_1', complaintId: id, action });
    expect(result.toast.type, result.toast.text).toBe('success');
  }

  it('a low rating reopens the complaint and tells the department; after the next resolution a good one closes it', async () => {
    const c = new CustomerChat(h, { first_name: 'Ma' });
    const number = await c.file({ description: 'Charged twice for one order.' });
    const card = await cardOf(h, number);
    await staff(number, { kind: 'accept' });
    await c.next(); // "accepted"
    await staff(number, { kind: 'resolve', resolution: 'One charge was reversed.' });
    const resolved = await c.next();
    expect(resolved.text).toContain('One charge was reversed.');
    const ask = await c.next();
    expect(ask.text).toMatch(new RegExp(`How satisfied are you with how ${number} was handled`));
    expect(buttonsOf(ask)).toHaveLength(5);
    expect(ask.reply_markup?.inline_keyboard[0]!.map((b) => b.text)).toEqual(['1 ★', '2 ★', '3 ★', '4 ★', '5 ★']);

    const sorry = await c.click(ask, buttonsOf(ask)[0]!);
    expect(sorry.text).toMatch(/reopened; the department will contact you again by \d{4}-\d{2}-\d{2} \d{2}:\d{2}\.$/);
    const askComment = await c.next();
    expect(buttonsOf(askComment)).toEqual(['skip']);
    await c.say('The second charge is still on my card.');
    const told = await feishuText(h, `对投诉 ${number} 的处理结果评分 1/5，投诉已重新打开`);
    expect(told.chatId).toBe('oc_cs_group');
    await feishuText(h, 'The second charge is still on my card.');
    await h.feishu.waitForCall((call) => call.method === 'PATCH' && call.path.endsWith(card.messageId) && JSON.stringify(call.body).includes('已重开'));

    await staff(number, { kind: 'resolve', resolution: 'The second charge is reversed too, reference 5512.' });
    await c.next();
    const again = await c.next();
    const thanks = await c.click(again, buttonsOf(again)[4]!);
    expect(thanks.text).toBe(`Thank you for your rating (5/5); complaint ${number} is closed.`);
    const skipped = await c.click(await c.next(), 'skip');
    expect(skipped.text).toBe('OK, thank you for your rating.');
    const stale = await c.click(ask, buttonsOf(ask)[2]!); // the first request, pressed again
    expect(stale.text).toMatch(/is "Closed" and is not waiting for a rating/);
    const complaint = await h.bot.ctx.db.complaint.findUniqueOrThrow({ where: { number } });
    expect(complaint).toMatchObject({ status: 'closed', rating: 5, closeReason: 'rated' });
  });

  it('closes a complaint nobody rated as "no response" and tells the customer', async () => {
    const c = new CustomerChat(h, { first_name: 'Yang', language_code: 'zh-hans' });
    const number = await c.file({ description: '门店电话一直打不通。' });
    await staff(number, { kind: 'accept' });
    await c.next();
    await staff(number, { kind: 'resolve', resolution: '已修复门店电话。' });
    await c.next();
    await c.next(); // the rating request, left unanswered
    // Three days pass (the bot's clock is real time here, so the resolution moves back instead).
    await h.bot.ctx.db.complaint.update({ where: { number }, data: { resolvedAt: new Date(Date.now() - 73 * 3600_000) } });
    const { closed } = await closeUnratedComplaints(h.bot.ctx);
    expect(closed).toContain(number);
    const told = await c.next();
    expect(told.text).toBe(`由于没有收到您的评价，投诉 ${number} 已关闭。如对处理结果不满意，可发送 /appeal ${number} 申诉。`);
  });
});
