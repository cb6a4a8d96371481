/**
 * The gap closed (issue 10, item 1): asking a question of a customer without a chat (registered by staff,
 * /new) pauses the clocks as for any customer; the card then shows the question to call them with
 * ("☎ 向客户询问：…") and a form to record what they answered. Recording it resumes the clocks exactly as
 * a chat answer does (waiting_customer → in_progress, the business time waited added to the deadlines),
 * records who entered it and when, and marks the question's call done. A customer with a chat, an empty
 * answer, or a question already answered get a clear toast and nothing changes.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Harness } from '../support/harness.ts';
import { useHarness } from '../support/use-harness.ts';
import { cardMessageId, cardText, click, fileFor, findElement, harnessKinds, outboxSettled, snapshot, expectUnchanged } from './staff-helpers.ts';
import { resumeAfterPause } from '../../src/domain/deadline-adjustments.ts';
import { handleStaffAction } from '../../src/app/staff/handle-staff-action.ts';
import { sh } from '../jobs/support.ts';

const CS = 'oc_cs_group';
const AGENT = 'ou_cs_agent_1'; // 王芳
const AGENT_2 = 'ou_cs_agent_2'; // 李强

const FORM = {
  in_channel: 'phone',
  in_name: '刘女士',
  in_phone: '139 0000 2222',
  in_category: 'service',
  in_description: '上门安装的师傅迟到两小时。',
  in_subject: '安装师傅',
  in_request: '道歉',
  in_when: '今天上午',
  in_address: '',
  in_reply_by: '',
};

describe.each(harnessKinds())('recording the answer of a customer without a chat on $name', (kind) => {
  let h: Harness;
  // Monday 2026-11-23 in Shanghai; working hours 09:00–12:00, 13:30–18:00
  let now = sh('2026-11-23 10:00');
  useHarness(kind, (started) => (h = started), { now: () => now });
  const db = () => h.bot.ctx.db;
  const shown = (messageId: string) => cardText(h, messageId);

  it('Ask shows the question as a call task with a form; the recorded answer resumes the clocks like a chat answer', async () => {
    // Registered by phone (the /new form's submit, through the same staff action; the form itself is tested in records-intake)
    const intake = await handleStaffAction(h.bot.ctx, {
      eventId: `ans-intake-${randomBytes(4).toString('hex')}`,
      operatorOpenId: AGENT,
      complaintId: 0,
      action: { kind: 'intake', nonce: randomBytes(8).toString('hex'), form: { channel: FORM.in_channel, name: FORM.in_name, phone: FORM.in_phone, category: FORM.in_category, description: FORM.in_description, subject: FORM.in_subject, request: FORM.in_request, when: FORM.in_when, address: FORM.in_address, replyBy: FORM.in_reply_by } },
    });
    expect(intake.toast.type, intake.toast.text).toBe('success');
    const c = await db().complaint.findFirstOrThrow({ where: { channel: 'phone' }, orderBy: { id: 'desc' } });
    const cardId = await cardMessageId(h, c.id, CS);
    expect((await click(h, cardId, AGENT, 'accept')).toast?.type).toBe('success');

    now = sh('2026-11-23 10:30');
    expect((await click(h, cardId, AGENT, 'ask', { ask_text: '请问师傅是几点到的？' })).toast?.type).toBe('success');
    await outboxSettled(h);
    const asked = await db().complaint.findUniqueOrThrow({ where: { id: c.id } });
    expect([asked.status, asked.pausedAt]).toEqual(['waiting_customer', sh('2026-11-23 10:30')]);
    let card = shown(cardId);
    expect(card).toContain('☎ **向客户询问**：请问师傅是几点到的？');
    expect(card).toContain('王芳 于 2026-11-23 10:30 提问');
    expect(findElement(h.feishu.message(cardId).card as Record<string, any>, 'answer_input')).toMatchObject({ tag: 'input', name: 'customer_answer' });

    // An empty answer names the field and changes nothing.
    now = sh('2026-11-23 14:30');
    const untouched = await snapshot(h, c.id);
    expect((await click(h, cardId, AGENT_2, 'answered', { customer_answer: '  ' })).toast).toMatchObject({ type: 'warning', content: '请先填写客户的回答' });
    expectUnchanged(untouched, await snapshot(h, c.id));

    // The answer, recorded by 李强 at 14:30: 150 business minutes waited (10:30–12:00, 13:30–14:30).
    const expected = resumeAfterPause({ pausedAt: asked.pausedAt!, now, resolveDueAt: asked.resolveDueAt, hardLimitAt: asked.hardLimitAt, calendar: h.bot.ctx.calendarFor('cs') });
    expect(expected.pausedMinutes).toBe(150);
    const recorded = await click(h, cardId, AGENT_2, 'answered', { customer_answer: '师傅 11 点才到，没有提前打电话。' });
    expect(recorded.toast).toMatchObject({ type: 'success', content: `已记录客户的回答（${c.number}），计时已恢复` });
    const answered = await db().complaint.findUniqueOrThrow({ where: { id: c.id } });
    expect([answered.status, answered.pausedAt, answered.pausedMinutes]).toEqual(['in_progress', null, asked.pausedMinutes + 150]);
    expect(answered.resolveDueAt).toEqual(expected.resolveDueAt);
    expect(answered.hardLimitAt).toEqual(expected.hardLimitAt);
    expect(answered.resolveDueAt.getTime()).toBeGreaterThan(asked.resolveDueAt.getTime());
    const event = await db().complaintEvent.findFirstOrThrow({ where: { complaintId: c.id, type: 'customer_replied' } });
    expect([event.actor, event.actorName, event.at, event.fromStatus, event.toStatus]).toEqual([`feishu:${AGENT_2}`, '李强', now, 'waiting_customer', 'in_progress']);
    expect(event.data).toMatchObject({ text: '师傅 11 点才到，没有提前打电话。', enteredBy: 'staff', pausedMinutes: 150, question: '请问师傅是几点到的？' });
    // The call that asked the question is done, by who recorded the answer.
    const questionTask = await db().customerTask.findFirstOrThrow({ where: { complaintId: c.id, text: { contains: '请问师傅是几点到的？' } } });
    expect([questionTask.doneByName, questionTask.doneAt]).toEqual(['李强', now]);

    // The card: the answer, who recorded it, when; no question form any more.
    await outboxSettled(h);
    card = shown(cardId);
    expect(card).toContain('✓ 客户回答（李强 记录 · 2026-11-23 14:30）：师傅 11 点才到，没有提前打电话。');
    expect(card).not.toContain('向客户询问');
    expect(findElement(h.feishu.message(cardId).card as Record<string, any>, 'answer_form')).toBeUndefined();

    // The answer form clicked again (an old copy of the card): already answered, nothing changes.
    const again = await snapshot(h, c.id);
    const value = { v: 1, a: 'answered', c: c.id };
    const late = await h.feishu.clickButton({ messageId: cardId, operator: { open_id: AGENT }, value, formValue: { customer_answer: '又说了一遍' } });
    expect(late.toast?.content).toContain('不能执行此操作');
    expectUnchanged(again, await snapshot(h, c.id));
  });

  it('a customer with a chat answers in it: recording for them is refused, nothing changes', async () => {
    const f = await fileFor(h);
    const ok = (r: { toast: { type: string; text: string } }) => expect(r.toast.type, r.toast.text).toBe('success');
    ok(await handleStaffAction(h.bot.ctx, { eventId: `ans-${randomBytes(4).toString('hex')}`, operatorOpenId: AGENT, complaintId: f.complaint.id, action: { kind: 'accept' } }));
    ok(await handleStaffAction(h.bot.ctx, { eventId: `ans-${randomBytes(4).toString('hex')}`, operatorOpenId: AGENT, complaintId: f.complaint.id, action: { kind: 'ask', text: 'Which order?' } }));
    await outboxSettled(h);
    expect(shown(f.messageId)).not.toContain('answer_form');
    const before = await snapshot(h, f.complaint.id);
    const refused = await handleStaffAction(h.bot.ctx, { eventId: `ans-${randomBytes(4).toString('hex')}`, operatorOpenId: AGENT, complaintId: f.complaint.id, action: { kind: 'answered', text: 'Order 42' } });
    expect(refused.toast).toMatchObject({ type: 'warning', text: '该客户有在线对话，其回答会在对话中自动记录' });
    expectUnchanged(before, await snapshot(h, f.complaint.id));
  });
});
