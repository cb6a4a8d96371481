/**
 * Staff intake (issue 10, item 1) end to end on the emulators: `/new` posts the form card; submitting
 * registers the complaint through the same use case as a chat complaint (number, routing, clocks, card,
 * audit event with the staff member as recorder). A phone complaint goes through its whole life with
 * call tasks on the card in place of customer messages ("customer informed" records who called when),
 * and the rating entered by staff after the follow-up call. A phone that belongs to a chat customer can
 * be linked, after which the customer hears in their chat.
 */
import { randomBytes } from 'node:crypto';
import { formatLocalTime } from '../../src/app/shared/format.ts';
import { describe, expect, it } from 'vitest';
import { type Harness } from '../support/harness.ts';
import { useHarness } from '../support/use-harness.ts';
import { cardMessageId, cardText, click, customerGot, findElement, harnessKinds, outboxSettled } from './staff-helpers.ts';

const AGENT = 'ou_cs_agent_1'; // 王芳, 客服部
const QA_AGENT = 'ou_qa_agent_1'; // 陈静, 质检部

function messageEvent(chatId: string, openId: string, text: string) {
  return {
    sender: { sender_id: { open_id: openId, union_id: 'on_test', user_id: 'u_test' }, sender_type: 'user', tenant_key: 'tenant' },
    message: { message_id: `om_${randomBytes(8).toString('hex')}`, root_id: '', parent_id: '', create_time: String(Date.now()), chat_id: chatId, chat_type: 'group', message_type: 'text', content: JSON.stringify({ text }), mentions: [] },
  };
}

/** The card's text with Feishu's markdown entity escapes (&#45; for -, &#58; for :) read back as characters. */
const shownIn = (h: Harness, messageId: string) => cardText(h, messageId).replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));

const FORM = {
  in_channel: 'phone',
  in_name: '张先生',
  in_phone: '139 0000 1111',
  in_category: 'service',
  in_description: '营业厅工作人员态度恶劣，拒绝办理退订。',
  in_subject: '营业厅前台',
  in_request: '道歉并办理退订',
  in_when: '昨天下午',
  in_address: '人民路 8 号营业厅',
  in_reply_by: '3 天内',
};

describe.each(harnessKinds())('staff intake on $name', (kind) => {
  let h: Harness;
  useHarness(kind, (started) => (h = started));
  const db = () => h.bot.ctx.db;
  const shown = (messageId: string) => shownIn(h, messageId);

  /** Types /new in a chat and returns the posted form card's message id. */
  async function newForm(chatId: string, who: string, text = '/new'): Promise<string> {
    const before = h.feishu.messagesIn(chatId).length;
    expect((await h.feishu.pushEvent('im.message.receive_v1', messageEvent(chatId, who, text), { via: 'ws' })).status).toBe(200);
    await outboxSettled(h);
    const card = h.feishu.messagesIn(chatId).slice(before).find((m) => m.msgType === 'interactive' && JSON.stringify(m.card).includes('intake_form'));
    if (!card) throw new Error('no intake form posted');
    return card.messageId;
  }

  const openTaskIds = async (complaintId: number) => (await db().customerTask.findMany({ where: { complaintId, doneAt: null }, orderBy: { id: 'asc' } })).map((x) => x.id);

  it('a phone complaint through its whole life: registered by staff, call tasks instead of messages, the rating entered by staff', async () => {
    const formId = await newForm('oc_qa_group', QA_AGENT, '新投诉');
    const form = h.feishu.message(formId).card as Record<string, any>;
    expect(findElement(form, 'in_channel')!.options.map((o: any) => o.text.content)).toEqual(['电话', '营业厅/门店', '邮件', '信函', '其他']);

    // Wrong input names the field and registers nothing.
    const before = await db().complaint.count();
    expect((await click(h, formId, QA_AGENT, 'intake', { ...FORM, in_name: ' ' })).toast).toMatchObject({ type: 'warning', content: '请先填写客户姓名' });
    expect((await click(h, formId, QA_AGENT, 'intake', { ...FORM, in_phone: '12345' })).toast?.content).toContain('联系电话不是有效的号码');
    expect((await click(h, formId, QA_AGENT, 'intake', { ...FORM, in_channel: 'fax' })).toast?.content).toBe('来源渠道不是可选的值，请重新选择');
    expect((await click(h, formId, QA_AGENT, 'intake', { ...FORM, in_description: '' })).toast?.content).toBe('请先填写投诉内容');
    expect(await db().complaint.count()).toBe(before);

    // Registered by a QA agent, routed by category to 客服部.
    const submit = findElement(form, 'intake')!.behaviors[0].value;
    const done = await click(h, formId, QA_AGENT, 'intake', FORM);
    expect(done.toast?.type).toBe('success');
    const c = await db().complaint.findFirstOrThrow({ where: { channel: 'phone' }, orderBy: { id: 'desc' }, include: { customer: true } });
    expect(done.toast?.content).toBe(`已登记 ${c.number}，已转客服部`);
    expect(shown(formId)).toContain(`${c.number}** 已登记（电话），由 陈静 记录`);
    expect([c.departmentId, c.status, c.contactPhone, c.subject, c.desiredOutcome, c.occurredAt, c.address, c.requestedReplyBy, c.recordedBy, c.recordedByName]).toEqual([
      'cs', 'registered', '13900001111', '营业厅前台', '道歉并办理退订', '昨天下午', '人民路 8 号营业厅', '3 天内', `feishu:${QA_AGENT}`, '陈静',
    ]);
    expect([c.customer.platform, c.customer.displayName, c.customer.phone]).toEqual(['offline', '张先生', '13900001111']);
    const registered = await db().complaintEvent.findFirstOrThrow({ where: { complaintId: c.id, type: 'registered' } });
    expect([registered.actor, registered.actorName]).toEqual([`feishu:${QA_AGENT}`, '陈静']);
    expect(registered.data).toMatchObject({ channel: 'phone', department: 'cs' });
    // A second submit of the same form registers nothing new.
    const again = await h.feishu.clickButton({ messageId: formId, operator: { open_id: QA_AGENT }, value: submit, formValue: FORM });
    expect(again.toast?.content).toBe(`此表单已登记为 ${c.number}，未重复登记`);
    expect(await db().complaint.count()).toBe(before + 1);

    // The department's card: channel, recorder, and the first call task (tell the customer the number).
    const cardId = await cardMessageId(h, c.id, 'oc_cs_group');
    await outboxSettled(h);
    let card = shown(cardId);
    for (const part of ['电话', '登记人**：陈静', '联系客户（客户无在线对话）', `☎ 请告知客户：您的投诉已登记，编号 ${c.number}`]) expect(card).toContain(part);
    const [ackTask] = await openTaskIds(c.id);
    expect((await click(h, cardId, 'ou_cs_agent_2', `informed_${ackTask}`)).toast).toMatchObject({ type: 'success', content: `已记录：客户已被告知（${c.number}）` });
    const ack = await db().customerTask.findUniqueOrThrow({ where: { id: ackTask! } });
    expect([ack.doneBy, ack.doneByName, ack.doneAt !== null]).toEqual(['feishu:ou_cs_agent_2', '李强', true]);
    await outboxSettled(h);
    expect(shown(cardId)).toMatch(/✓ 李强 已告知客户 · [\d\- :]+：您的投诉已登记/);

    // Accept, reply, resolve: each message for the customer is a task; nothing goes to any chat platform.
    await click(h, cardId, AGENT, 'accept');
    await click(h, cardId, AGENT, 'reply', { reply_text: '已联系营业厅主管核实情况。' });
    expect((await click(h, cardId, AGENT, 'resolve', { resolution: '已道歉并办理退订。', cause: 'staff_conduct', measure: '营业厅服务规范再培训。' })).toast?.type).toBe('success');
    await outboxSettled(h);
    const tasks = await db().customerTask.findMany({ where: { complaintId: c.id }, orderBy: { id: 'asc' } });
    expect(tasks.filter((x) => !x.doneAt).map((x) => x.text)).toEqual([
      expect.stringContaining('受理'),
      expect.stringContaining('已联系营业厅主管核实情况。'),
      expect.stringMatching(/已道歉并办理退订。[\s\S]*原因分析：员工行为[\s\S]*改进措施：营业厅服务规范再培训。/),
      expect.stringContaining('打分'),
    ]);
    expect(await db().outboxMessage.count({ where: { complaintId: c.id, channel: { notIn: ['feishu'] } } })).toBe(0);
    card = shown(cardId);
    expect(card).toContain('回访结果（电话回访后填写）');
    for (const id of await openTaskIds(c.id)) expect((await click(h, cardId, AGENT, `informed_${id}`)).toast?.type).toBe('success');

    // The follow-up call: staff enter the rating; bad input first.
    expect((await click(h, cardId, AGENT, 'staff_rate', { rating: '' })).toast?.content).toBe('请先填写评分');
    expect((await click(h, cardId, AGENT, 'staff_rate', { rating: '9' })).toast?.content).toBe('评分不是可选的值，请重新选择');
    expect((await click(h, cardId, AGENT, 'staff_rate', { rating: '4', rating_comment: '满意，希望以后注意' })).toast?.content).toBe(`已记录评分 4 分（${c.number}）`);
    const closed = await db().complaint.findUniqueOrThrow({ where: { id: c.id } });
    expect([closed.status, closed.rating, closed.ratingComment, closed.closeReason]).toEqual(['closed', 4, '满意，希望以后注意', 'rated']);
    const rate = await db().complaintEvent.findFirstOrThrow({ where: { complaintId: c.id, type: 'close' } });
    expect([rate.actor, rate.data]).toEqual([`feishu:${AGENT}`, { rating: 4, comment: '满意，希望以后注意', enteredBy: 'staff' }]);
    const types = (await db().complaintEvent.findMany({ where: { complaintId: c.id }, orderBy: { id: 'asc' } })).map((e) => e.type);
    expect(types).toEqual(['registered', 'customer_informed', 'accept', 'reply_customer', 'resolve', 'customer_informed', 'customer_informed', 'customer_informed', 'customer_informed', 'close']);
  });

  it('a low rating entered by staff reopens the complaint', async () => {
    const formId = await newForm('oc_cs_group', AGENT);
    await click(h, formId, AGENT, 'intake', { ...FORM, in_channel: 'counter', in_phone: '' });
    const c = await db().complaint.findFirstOrThrow({ where: { channel: 'counter' }, orderBy: { id: 'desc' } });
    const cardId = await cardMessageId(h, c.id, 'oc_cs_group');
    await click(h, cardId, AGENT, 'accept');
    await click(h, cardId, AGENT, 'resolve', { resolution: '已处理。' });
    const low = await click(h, cardId, AGENT, 'staff_rate', { rating: '2' });
    const recontactBy = formatLocalTime((await h.bot.ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } })).firstReplyDueAt, h.bot.ctx.calendar.timeZone);
    expect(low.toast?.content).toBe(`已记录评分 2 分，${c.number} 已重开：请在 ${recontactBy} 前再次联系客户`);
    expect((await db().complaint.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('reopened');
  });

  it('a complaint of a chat customer cannot be rated by staff', async () => {
    const formId = await newForm('oc_cs_group', AGENT);
    expect(formId).toBeTruthy();
    const { fileFor } = await import('./staff-helpers.ts');
    const f = await fileFor(h);
    await click(h, f.messageId, AGENT, 'accept');
    await click(h, f.messageId, AGENT, 'resolve', { resolution: 'Done.' });
    expect(findElement(h.feishu.message(f.messageId).card as Record<string, any>, 'rate_form')).toBeUndefined();
    const forged = await h.feishu.clickButton({ messageId: f.messageId, operator: { open_id: AGENT }, value: { v: 1, a: 'staff_rate', c: f.complaint.id }, formValue: { rating: '5' } });
    expect(forged.toast).toMatchObject({ type: 'warning', content: '该客户在对话中自行评分' });
  });

  it('links a phone complaint to the chat customer with that phone; from then on they hear in their chat', async () => {
    const user = h.telegram.createUser({ first_name: 'Wang', language_code: 'zh' });
    await db().customer.create({ data: { platform: 'telegram', platformUserId: String(user.id), chatId: String(user.id), displayName: 'Wang', phone: '13900002222', language: 'zh' } });
    const formId = await newForm('oc_cs_group', AGENT);
    await click(h, formId, AGENT, 'intake', { ...FORM, in_channel: 'letter', in_phone: '13900002222' });
    const c = await db().complaint.findFirstOrThrow({ where: { channel: 'letter' }, orderBy: { id: 'desc' } });
    const cardId = await cardMessageId(h, c.id, 'oc_cs_group');
    await outboxSettled(h);
    expect(shown(cardId)).toContain('此电话属于在线客户 Wang（Telegram）');
    expect((await click(h, cardId, AGENT, 'link')).toast?.content).toBe(`${c.number} 已关联到在线客户，后续通知将发到其对话`);
    expect(await customerGot(h, user, `${c.number} 已关联到本对话`)).toBeTruthy();
    await click(h, cardId, AGENT, 'accept');
    expect(await customerGot(h, user, '受理')).toContain(c.number);
    const linked = await db().complaint.findUniqueOrThrow({ where: { id: c.id }, include: { customer: true } });
    expect([linked.customer.platform, linked.channel]).toEqual(['telegram', 'letter']);
    await outboxSettled(h);
    expect(findElement(h.feishu.message(cardId).card as Record<string, any>, 'link')).toBeUndefined();
    expect(shown(cardId)).not.toContain('此电话属于在线客户');
    expect((await db().complaintEvent.findFirstOrThrow({ where: { complaintId: c.id, type: 'link_customer' } })).actor).toBe(`feishu:${AGENT}`);
  });

  it('/stats me shows a staff member their own figures for the month so far', async () => {
    const before = h.feishu.messagesIn('oc_cs_group').length;
    expect((await h.feishu.pushEvent('im.message.receive_v1', messageEvent('oc_cs_group', AGENT, '/stats me'), { via: 'ws' })).status).toBe(200);
    await outboxSettled(h);
    const texts = h.feishu.messagesIn('oc_cs_group').slice(before).map((m) => m.text ?? '');
    // 王芳 accepted the counter complaint and the linked letter complaint in this file, and the chat one
    const accepted = await db().complaint.count({ where: { handlerOpenId: AGENT } });
    expect(texts).toEqual([expect.stringMatching(new RegExp(`^📋 王芳 本月（.+起）个人统计：\\n王芳：受理 ${accepted} · 办结 \\d+`))]);
  });

  it('/find by the full phone, its last 4 digits or text in the description: listed with phones masked, within what the sender may see', async () => {
    const ask = async (chatId: string, who: string, text: string) => {
      const before = h.feishu.messagesIn(chatId).length;
      expect((await h.feishu.pushEvent('im.message.receive_v1', messageEvent(chatId, who, text), { via: 'ws' })).status).toBe(200);
      await outboxSettled(h);
      return h.feishu.messagesIn(chatId).slice(before).map((m) => m.text ?? '');
    };
    const phone = await db().complaint.findFirstOrThrow({ where: { contactPhone: '13900001111' } });
    const [byLast4] = await ask('oc_cs_group', AGENT, '/find 1111');
    expect(byLast4).toMatch(/^🔎 “\*\*\*\*1111” 找到 1 件投诉/);
    expect(byLast4).toContain(`${phone.number} · 已关闭 · 客服部 · 139****1111`);
    expect(byLast4).not.toContain('13900001111');
    const [byPhone] = await ask('oc_cs_group', AGENT, '/find 139-0000-1111');
    expect(byPhone).toContain(phone.number);
    const [byText] = await ask('oc_cs_group', AGENT, '/find 拒绝办理退订');
    expect(byText).toMatch(/“拒绝办理退订” 找到 \d+ 件投诉/);
    expect(byText).toContain(phone.number);
    // a QA agent in the QA group sees only QA's complaints
    expect(await ask('oc_qa_group', QA_AGENT, '/find 1111')).toEqual(['🔎 没有找到与“****1111”相符、且您可查看的投诉。']);
    expect(await ask('oc_cs_group', AGENT, '/find x')).toEqual(['用法：/find TS-20261122-0007']);
  });
});
