/**
 * The staff's side end to end: every action on the Feishu card, through the real bot wiring, the
 * Feishu SDK and the emulators; what the customer receives on Telegram; who may do what.
 */
import { describe, expect, it } from 'vitest';
import { type Harness } from '../support/harness.ts';
import { formatLocalTime } from '../../src/app/shared/format.ts';
import { reclassifyDeadlines } from '../../src/domain/deadline-adjustments.ts';
import { recontactDueAt } from '../../src/domain/sla.ts';
import { addBusinessMinutes, businessMinutesBetween, nextWorkingInstant } from '../../src/domain/calendar.ts';
import { useHarness } from '../support/use-harness.ts';
import {
  buttonValue,
  cardMessageId,
  cardText,
  click,
  customerGot,
  expectUnchanged,
  fileFor,
  findElement,
  formHolding,
  formParts,
  harnessKinds,
  outboxSettled,
  snapshot,
  submitForm,
  textsIn,
} from './staff-helpers.ts';

const AGENT_1 = 'ou_cs_agent_1'; // 王芳, 客服部
const AGENT_2 = 'ou_cs_agent_2'; // 李强, 客服部
const CS_SUPERVISOR = 'ou_cs_supervisor'; // 张敏
const TECH_AGENT = 'ou_tech_agent_1'; // 赵磊, 技术部
const MANAGER = 'ou_general_manager'; // 郑总

describe.each(harnessKinds())('staff card actions on $name', (kind) => {
  let h: Harness;
  useHarness(kind, (started) => (h = started));

  const db = () => h.bot.ctx.db;
  const row = (id: number) => db().complaint.findUniqueOrThrow({ where: { id } });
  const eventTypes = async (id: number) => (await db().complaintEvent.findMany({ where: { complaintId: id }, orderBy: { id: 'asc' } })).map((e) => e.type);

  it('replies, asks and relays the answer: the customer receives each, the clock stops while waiting, the answer appears in the card thread', async () => {
    const f = await fileFor(h);
    expect((await click(h, f.messageId, AGENT_1, 'accept')).toast?.type).toBe('success');

    const reply = await click(h, f.messageId, AGENT_1, 'reply', { reply_text: 'We are looking into it with the courier company.' });
    expect(reply.toast).toMatchObject({ type: 'success', content: `已回复客户（${f.number}）` });
    expect(await customerGot(h, f.user, 'We are looking into it with the courier company.')).toContain(f.number);
    expect((await row(f.complaint.id)).firstReplyAt).not.toBeNull();

    const ask = await click(h, f.messageId, AGENT_1, 'ask', { ask_text: 'Which day did it happen?' });
    expect(ask.toast?.type).toBe('success');
    expect(await customerGot(h, f.user, 'Which day did it happen?')).toMatch(/answer by replying/);
    const waiting = await row(f.complaint.id);
    expect(waiting.status).toBe('waiting_customer');
    expect(waiting.pausedAt).not.toBeNull();
    expect(cardText(h, f.messageId)).toContain('等待客户回复');

    h.telegram.sendText(f.user, 'Last Tuesday, around noon.');
    expect(await customerGot(h, f.user, 'your answer was passed')).toContain(f.number);
    await outboxSettled(h);
    const thread = h.feishu.threadOf(f.messageId).map((m) => m.text ?? '');
    expect(thread.some((text) => text.includes('Last Tuesday, around noon.'))).toBe(true);
    const answered = await row(f.complaint.id);
    expect(answered.status).toBe('in_progress');
    expect(answered.pausedAt).toBeNull();
    expect(answered.resolveDueAt.getTime()).toBeGreaterThanOrEqual(waiting.resolveDueAt.getTime());

    const note = await click(h, f.messageId, AGENT_2, 'note', { note_text: 'Called the courier company, they will check the CCTV.' });
    expect(note.toast).toMatchObject({ type: 'success', content: `已添加内部备注（${f.number}）` });
    await outboxSettled(h);
    const toCustomer = await db().outboxMessage.findMany({ where: { complaintId: f.complaint.id, channel: 'telegram' } });
    expect(toCustomer.some((r) => JSON.stringify(r.payload).includes('CCTV'))).toBe(false);
    expect(await eventTypes(f.complaint.id)).toEqual(['registered', 'accept', 'reply_customer', 'ask_customer', 'customer_replied', 'note']);
    const card = cardText(h, f.messageId);
    for (const part of ['王芳 回复客户', '王芳 向客户提问', '客户回答', '李强 内部备注', 'CCTV']) expect(card).toContain(part);
  });

  it('a text typed for colleagues can only be saved as an internal note: whatever button of its form is clicked, the customer receives nothing', async () => {
    const f = await fileFor(h);
    await click(h, f.messageId, AGENT_1, 'accept');
    const card = h.feishu.message(f.messageId).card!;
    // the box a staff member types an internal note into, and every button they could click after typing there
    const noteForm = formHolding(card, 'note')!;
    const { inputs, submits } = formParts(noteForm);
    expect(inputs).toHaveLength(1);
    for (const b of submits) {
      const answer = await h.feishu.clickButton({ messageId: f.messageId, operator: { open_id: AGENT_1 }, value: b.behaviors[0].value, formValue: { [inputs[0]!.name]: `Internal: customer is difficult (${b.name})` } });
      expect(answer.toast?.type).toBe('success');
    }
    await outboxSettled(h);
    const toCustomer = await db().outboxMessage.findMany({ where: { complaintId: f.complaint.id, channel: 'telegram' } });
    expect(toCustomer.filter((r) => JSON.stringify(r.payload).includes('Internal: customer is difficult'))).toEqual([]);
    expect(submits.map((b) => b.name)).toEqual(['note']);
    expect(submits[0]!.text.content).toBe('保存内部备注（客户看不到）');

    // each audience has its own form: one box, one button whose label says who reads the text
    const fresh = h.feishu.message(f.messageId).card!;
    for (const [button, label] of [
      ['reply', '发送给客户'],
      ['ask', '向客户发送问题'],
      ['note', '保存内部备注（客户看不到）'],
    ] as const) {
      const parts = formParts(formHolding(fresh, button)!);
      expect([parts.inputs.length, parts.submits.map((b) => [b.name, b.text.content])]).toEqual([1, [[button, label]]]);
    }
    await expect(submitForm(h, f.messageId, AGENT_1, 'reply', { note_text: 'typed in the note box' })).rejects.toThrow(/no field note_text in the form of reply/);

    // the timeline says which texts the customer saw
    expect((await submitForm(h, f.messageId, AGENT_1, 'reply', { reply_text: 'We will call you today.' })).toast?.type).toBe('success');
    expect(await customerGot(h, f.user, 'We will call you today.')).toContain(f.number);
    const timeline = cardText(h, f.messageId);
    expect(timeline).toContain('王芳 回复客户 👁 客户可见：We will call you today.');
    expect(timeline).toContain('王芳 内部备注 🔒 内部：Internal: customer is difficult (note)');
  });

  it('a click from an old card with the one shared text box is refused with a toast, nothing sent or recorded, and the card redrawn with the separate forms', async () => {
    const f = await fileFor(h);
    await click(h, f.messageId, AGENT_1, 'accept');
    const card = h.feishu.message(f.messageId).card!;
    const snap = await snapshot(h, f.complaint.id);
    for (const action of ['reply', 'ask', 'note'] as const) {
      // what a card posted before the split sends: the action's value, and the old box's text under "message"
      const answer = await h.feishu.clickButton({ messageId: f.messageId, operator: { open_id: AGENT_1 }, value: buttonValue(card, action), formValue: { message: 'Internal: refund approved by finance' } });
      const button = { reply: '回复客户', ask: '向客户提问', note: '内部备注' }[action];
      expect(answer.toast).toMatchObject({ type: 'warning', content: expect.stringContaining(`旧版卡片：“${button}”与其他按钮共用一个输入框`) });
      expect(answer.toast?.content).toContain('没有发送也没有记录');
    }
    await outboxSettled(h);
    expectUnchanged(snap, await snapshot(h, f.complaint.id));
    const redrawn = h.feishu.message(f.messageId).card!;
    for (const form of ['reply_form', 'ask_form', 'note_form']) expect(findElement(redrawn, form)).toBeDefined();
    expect(findElement(redrawn, 'message_input')).toBeUndefined();
  });

  it('transfers between two groups: the new group gets a fresh card, the old one says where it went and takes no more clicks', async () => {
    const f = await fileFor(h);
    const oldAccept = buttonValue(h.feishu.message(f.messageId).card!, 'accept');
    const answer = await click(h, f.messageId, AGENT_1, 'transfer', { department: 'tech', route_reason: 'Router fault, not a service problem' });
    expect(answer.toast).toMatchObject({ type: 'success', content: `${f.number} 已转派至技术部` });
    const moved = await row(f.complaint.id);
    expect(moved).toMatchObject({ departmentId: 'tech', status: 'registered', handlerOpenId: null });

    const techCard = await cardMessageId(h, f.complaint.id, 'oc_tech_group');
    expect(h.feishu.message(techCard).chatId).toBe('oc_tech_group');
    expect(findElement(h.feishu.message(techCard).card!, 'accept')).toBeDefined();
    await outboxSettled(h);
    const old = cardText(h, f.messageId);
    expect(old).toContain('此卡片已过期');
    expect(old).toContain('技术部');
    expect(old).not.toContain('"tag":"button"');
    expect(old).not.toContain('"tag":"form"');
    expect(await customerGot(h, f.user, 'was passed to 技术部')).toContain(f.number);

    // A click that still reaches the old card: refused with the current state, nothing changes.
    const before = await snapshot(h, f.complaint.id);
    const stale = await h.feishu.clickButton({ messageId: f.messageId, operator: { open_id: TECH_AGENT }, value: oldAccept });
    expect(stale.toast?.type).toBe('warning');
    expect(stale.toast?.content).toContain('此卡片已过期');
    expect(stale.toast?.content).toContain('技术部');
    expectUnchanged(before, await snapshot(h, f.complaint.id));
    // The old department may no longer act; the new one accepts on its card.
    expect((await click(h, techCard, AGENT_1, 'accept')).toast?.content).toBe(`${f.number} 属于技术部，您无权处理`);
    expect((await click(h, techCard, TECH_AGENT, 'accept')).toast?.type).toBe('success');
    expect((await row(f.complaint.id)).handlerName).toBe('赵磊');
  });

  it('escalates one tier at a time: the supervisor is @mentioned in the group, then the general manager in the managers chat, who can act from there', async () => {
    const f = await fileFor(h);
    const tier0 = buttonValue(h.feishu.message(f.messageId).card!, 'escalate');
    const first = await click(h, f.messageId, AGENT_1, 'escalate', { route_reason: 'Customer threatens to go to the press' });
    expect(first.toast).toMatchObject({ type: 'success', content: `${f.number} 已升级至主管` });
    expect((await row(f.complaint.id)).escalationTier).toBe(1);
    await outboxSettled(h);
    const groupText = textsIn(h, 'oc_cs_group').find((text) => text.includes(f.number))!;
    expect(groupText).toContain('<at user_id="ou_cs_supervisor"></at>');
    expect(groupText).toContain('Customer threatens to go to the press');

    // Someone else clicks Escalate on the card as it was before: not escalated twice.
    const again = await h.feishu.clickButton({ messageId: f.messageId, operator: { open_id: AGENT_2 }, value: tier0, formValue: { route_reason: 'same thing' } });
    expect(again.toast?.content).toMatch(new RegExp(`${f.number} 已由 王芳 于 .* 升级`));
    expect((await row(f.complaint.id)).escalationTier).toBe(1);

    const second = await click(h, f.messageId, CS_SUPERVISOR, 'escalate', { route_reason: 'Needs a refund above my limit' });
    expect(second.toast?.content).toBe(`${f.number} 已升级至总经理`);
    expect(findElement(h.feishu.message(f.messageId).card!, 'escalate')).toBeUndefined();
    await outboxSettled(h);
    const managersText = textsIn(h, 'oc_managers_group').find((text) => text.includes(f.number))!;
    expect(managersText).toContain('<at user_id="ou_general_manager"></at>');
    const managersCard = await cardMessageId(h, f.complaint.id, 'oc_managers_group');
    const note = await click(h, managersCard, MANAGER, 'note', { note_text: 'Approved a full refund.' });
    expect(note.toast?.type).toBe('success');
    await outboxSettled(h);
    expect(cardText(h, f.messageId)).toContain('Approved a full refund.');
    expect(await eventTypes(f.complaint.id)).toEqual(['registered', 'escalate', 'escalate', 'note']);
  });

  it('changes category and severity: every deadline is recomputed and shown', async () => {
    const f = await fileFor(h);
    const answer = await click(h, f.messageId, AGENT_1, 'classify', { category: 'quality', severity: 'major' });
    expect(answer.toast?.type).toBe('success');
    expect(answer.toast?.content).toContain('产品质量 · 重大');
    const c = await row(f.complaint.id);
    const ctx = h.bot.ctx;
    const expected = reclassifyDeadlines({ severity: 'major', policy: ctx.sla, calendar: ctx.calendar, clockStartAt: c.clockStartAt, intakeDueAt: c.intakeDueAt, pausedMinutes: 0, extensionMinutes: 0 });
    expect(c).toMatchObject({ category: 'quality', severity: 'major', departmentId: 'cs', acceptDueAt: expected.acceptDueAt, resolveDueAt: expected.resolveDueAt });
    const card = cardText(h, f.messageId);
    expect(card).toContain('重大');
    expect(card).toContain(formatLocalTime(expected.resolveDueAt, ctx.calendar.timeZone));
    expect(card).toContain(formatLocalTime(expected.acceptDueAt, ctx.calendar.timeZone));
    const unchanged = await click(h, f.messageId, AGENT_1, 'classify', { category: 'quality', severity: 'major' });
    expect(unchanged.toast).toMatchObject({ type: 'info', content: `${f.number} 的类别和级别没有变化` });
  });

  it('extends the deadline once with a reason the customer hears, with the new expected time; a second time is refused', async () => {
    const f = await fileFor(h);
    await click(h, f.messageId, AGENT_1, 'accept');
    const before = await row(f.complaint.id);
    const extendValue = buttonValue(h.feishu.message(f.messageId).card!, 'extend');
    const answer = await click(h, f.messageId, AGENT_1, 'extend', { extension: '1d', extend_reason: 'Waiting for the courier company report' });
    expect(answer.toast?.type).toBe('success');
    const after = await row(f.complaint.id);
    expect(after.deadlineExtended).toBe(true);
    expect(after.resolveDueAt.getTime()).toBeGreaterThan(before.resolveDueAt.getTime());
    const due = formatLocalTime(after.resolveDueAt, h.bot.ctx.calendar.timeZone);
    expect(await customerGot(h, f.user, 'Waiting for the courier company report')).toContain(`resolve it by ${due}`);
    expect(findElement(h.feishu.message(f.messageId).card!, 'extend')).toBeUndefined();
    expect(cardText(h, f.messageId)).toContain(`${due}（已延期）`);

    const snap = await snapshot(h, f.complaint.id);
    const twice = await h.feishu.clickButton({ messageId: f.messageId, operator: { open_id: AGENT_1 }, value: extendValue, formValue: { extension: '2h', extend_reason: 'more' } });
    expect(twice.toast).toMatchObject({ type: 'warning', content: `${f.number} 的时限已经延期过一次，不能再延期` });
    expectUnchanged(snap, await snapshot(h, f.complaint.id));
  });

  it('rejects with one of the reasons: the customer is told why in their own language', async () => {
    const zh = await fileFor(h, { language: 'zh' });
    const answer = await click(h, zh.messageId, AGENT_1, 'reject', { reject_reason: 'in_court', reject_note: '请等待法院判决结果' });
    expect(answer.toast).toMatchObject({ type: 'success', content: `${zh.number} 不予受理，已告知客户原因` });
    const told = await customerGot(h, zh.user, '不予受理');
    expect(told).toContain('已进入诉讼或仲裁程序');
    expect(told).toContain('请等待法院判决结果');
    expect(await row(zh.complaint.id)).toMatchObject({ status: 'rejected', rejectReason: 'in_court' });
    const card = cardText(h, zh.messageId);
    expect(card).toContain('不予受理原因');
    expect(findElement(h.feishu.message(zh.messageId).card!, 'accept')).toBeUndefined();

    const en = await fileFor(h, { language: 'en' });
    await click(h, en.messageId, AGENT_2, 'reject', { reject_reason: 'no_facts' });
    expect(await customerGot(h, en.user, 'cannot be accepted')).toContain('it states no concrete facts');
  });

  it('resolves and reopens: the customer hears both, the resolve clock starts again and staff must call back within 48 hours', async () => {
    const f = await fileFor(h);
    await click(h, f.messageId, AGENT_1, 'accept');
    await click(h, f.messageId, AGENT_1, 'resolve', { resolution: 'Refunded the delivery fee.' });
    expect(await customerGot(h, f.user, 'Refunded the delivery fee.')).toContain(f.number);
    const reopen = await click(h, f.messageId, AGENT_1, 'reopen', { reopen_reason: 'Customer called: the parcel is still damaged' });
    const c = await row(f.complaint.id);
    expect(c).toMatchObject({ status: 'reopened', resolution: null, resolvedAt: null, firstReplyAt: null });
    const tz = h.bot.ctx.calendar.timeZone;
    const reopenedAt = (await db().complaintEvent.findFirstOrThrow({ where: { complaintId: c.id, type: 'reopen' } })).at;
    // 48 business hours from the reopening, like every other clock (docs/domain.md, Reopening)
    const calendar = h.bot.ctx.calendarFor(c.departmentId);
    expect(c.firstReplyDueAt).toEqual(recontactDueAt(reopenedAt, calendar));
    expect(businessMinutesBetween(reopenedAt, c.firstReplyDueAt, calendar)).toBe(48 * 60);
    const due = formatLocalTime(c.firstReplyDueAt, tz);
    expect(reopen.toast).toMatchObject({ type: 'success', content: `${f.number} 已重新打开，请在 ${due} 前再次联系客户` });
    expect(await customerGot(h, f.user, 'was reopened')).toContain(`contact you again by ${due}`);
    expect(cardText(h, f.messageId)).toContain(`**回访不满意客户时限**：${due}`);
    expect(cardText(h, f.messageId)).not.toContain('首次答复时限');
    expect(findElement(h.feishu.message(f.messageId).card!, 'resolve')).toBeDefined();
  });

  it('extend → resolve → reopen: the reopened round has a fresh resolve clock and no extension, the extend form is back, the old extension stays in the trail', async () => {
    const f = await fileFor(h);
    const tz = h.bot.ctx.calendar.timeZone;
    await click(h, f.messageId, AGENT_1, 'accept');
    expect((await click(h, f.messageId, AGENT_1, 'extend', { extension: '2d', extend_reason: 'Waiting for the supplier' })).toast?.type).toBe('success');
    const extended = await row(f.complaint.id);
    const oldDue = formatLocalTime(extended.resolveDueAt, tz);
    expect(cardText(h, f.messageId)).toContain(`${oldDue}（已延期）`);
    await click(h, f.messageId, AGENT_1, 'resolve', { resolution: 'Replaced the parcel.' });
    expect((await click(h, f.messageId, AGENT_1, 'reopen', { reopen_reason: 'The replacement is damaged too' })).toast?.type).toBe('success');

    const c = await row(f.complaint.id);
    const reopen = await db().complaintEvent.findFirstOrThrow({ where: { complaintId: c.id, type: 'reopen' } });
    const calendar = h.bot.ctx.calendarFor(c.departmentId);
    // a new round: the severity's full resolve time from the reopening, nothing extended
    expect(c).toMatchObject({ deadlineExtended: false, extensionMinutes: 0 });
    expect(c.resolveDueAt).toEqual(addBusinessMinutes(nextWorkingInstant(reopen.at, calendar), h.bot.ctx.sla.clocks.general.resolve, calendar));
    expect(reopen.data).toMatchObject({ previousExtensionMinutes: extended.extensionMinutes });
    const card = cardText(h, f.messageId);
    expect(card).not.toContain('已延期');
    expect(card).toContain(`**办结时限**：${formatLocalTime(c.resolveDueAt, tz)}`);
    expect(findElement(h.feishu.message(f.messageId).card!, 'extend')).toBeDefined();
    // the old extension is kept in the audit trail
    expect(await db().complaintEvent.count({ where: { complaintId: c.id, type: 'extend_deadline' } })).toBe(1);

    // this round may be extended once, from its own deadline
    const again = await click(h, f.messageId, AGENT_1, 'extend', { extension: '2h', extend_reason: 'Second supplier check' });
    expect(again.toast?.type).toBe('success');
    const after = await row(f.complaint.id);
    expect(after).toMatchObject({ deadlineExtended: true, extensionMinutes: 120 });
    expect(cardText(h, f.messageId)).toContain(`${formatLocalTime(after.resolveDueAt, tz)}（已延期）`);
    expect(findElement(h.feishu.message(f.messageId).card!, 'extend')).toBeUndefined();
  });

  it('reveals the full phone only to the handler, the supervisor and managers, privately; never on the group card', async () => {
    const f = await fileFor(h, { phone: '13912345678' });
    const refusedBeforeAccept = await click(h, f.messageId, AGENT_1, 'reveal');
    expect(refusedBeforeAccept.toast?.type).toBe('error');
    expect(refusedBeforeAccept.toast?.content).not.toContain('13912345678');
    await click(h, f.messageId, AGENT_1, 'accept');

    const colleague = await click(h, f.messageId, AGENT_2, 'reveal');
    expect(colleague.toast).toMatchObject({ type: 'error', content: `只有处理人、部门主管和管理层可以查看 ${f.number} 的完整电话` });
    const otherDepartment = await click(h, f.messageId, TECH_AGENT, 'reveal');
    expect(otherDepartment.toast?.type).toBe('error');
    expect(otherDepartment.toast?.content).not.toContain('13912345678');

    for (const who of [AGENT_1, CS_SUPERVISOR, MANAGER]) {
      const shown = await click(h, f.messageId, who, 'reveal');
      expect(shown.toast?.type).toBe('success');
      expect(shown.toast?.content).toContain('13912345678');
      expect(JSON.stringify(shown.card)).not.toContain('13912345678');
      expect(JSON.stringify(shown.card)).toContain('139****5678');
    }
    await outboxSettled(h);
    for (const who of [AGENT_1, CS_SUPERVISOR, MANAGER]) {
      const p2p = h.feishu.p2pChatOf(who)!;
      expect(h.feishu.messagesIn(p2p).some((m) => m.text?.includes('13912345678') && m.text.includes(f.number))).toBe(true);
    }
    expect(h.feishu.p2pChatOf(AGENT_2)).toBeUndefined();
    const reveals = await db().complaintEvent.findMany({ where: { complaintId: f.complaint.id, type: 'reveal_phone' }, orderBy: { id: 'asc' } });
    expect(reveals.map((e) => e.actor)).toEqual([`feishu:${AGENT_1}`, `feishu:${CS_SUPERVISOR}`, `feishu:${MANAGER}`]);
    expect(JSON.stringify(reveals.map((e) => e.data))).not.toContain('13912345678');
    for (const chat of ['oc_cs_group', 'oc_managers_group']) for (const m of h.feishu.messagesIn(chat, { includeThreadReplies: true })) expect(m.content).not.toContain('13912345678');
    expect(cardText(h, f.messageId)).toContain('查看了完整电话');
  });

  it('a card is bound to its complaint: a value naming another complaint is forged — toast, nothing redrawn, nothing changed, logged', async () => {
    const a = await fileFor(h);
    const b = await fileFor(h);
    const cardA = JSON.stringify(h.feishu.message(a.messageId).card);
    const beforeB = await snapshot(h, b.complaint.id);
    const forgedValue = { ...buttonValue(h.feishu.message(a.messageId).card!, 'accept'), c: b.complaint.id };
    for (const operator of [AGENT_1, 'ou_someone_else']) {
      const answer = await h.feishu.clickButton({ messageId: a.messageId, operator: { open_id: operator }, value: forgedValue });
      expect(answer.toast?.type).toBe('error');
      expect(answer.card).toBeUndefined(); // not redrawn as B's live card
      expect(JSON.stringify(h.feishu.message(a.messageId).card)).toBe(cardA);
    }
    expectUnchanged(beforeB, await snapshot(h, b.complaint.id));
    expect((await row(a.complaint.id)).status).toBe('registered');
  });

  it('after a transfer, the old department clicking the old card is told the card is outdated and where the complaint is, not "no permission"', async () => {
    const f = await fileFor(h);
    const oldAccept = buttonValue(h.feishu.message(f.messageId).card!, 'accept');
    await click(h, f.messageId, AGENT_1, 'transfer', { department: 'tech', route_reason: 'Router fault' });
    const answer = await h.feishu.clickButton({ messageId: f.messageId, operator: { open_id: AGENT_2 }, value: oldAccept });
    expect(answer.toast?.type).toBe('warning');
    expect(answer.toast?.content).toContain('此卡片已过期');
    expect(answer.toast?.content).toContain('技术部');
  });

  it('my own second click on accept says I already accepted it', async () => {
    const f = await fileFor(h);
    const accept = buttonValue(h.feishu.message(f.messageId).card!, 'accept');
    expect((await click(h, f.messageId, AGENT_1, 'accept')).toast?.type).toBe('success');
    const again = await h.feishu.clickButton({ messageId: f.messageId, operator: { open_id: AGENT_1 }, value: accept });
    expect(again.toast?.content).toBe(`您已于 ${formatLocalTime((await row(f.complaint.id)).acceptedAt!, 'Asia/Shanghai')} 受理 ${f.number}`);
    const other = await h.feishu.clickButton({ messageId: f.messageId, operator: { open_id: AGENT_2 }, value: accept });
    expect(other.toast?.content).toContain('已由 王芳 于');
  });

  it('refuses people outside the staff list and other departments with a toast saying why, and changes nothing', async () => {
    const f = await fileFor(h);
    const before = await snapshot(h, f.complaint.id);
    const stranger = await click(h, f.messageId, 'ou_someone_else', 'accept');
    expect(stranger.toast).toMatchObject({ type: 'error', content: '您不在配置的员工名单中，不能处理投诉' });
    const other = await click(h, f.messageId, TECH_AGENT, 'note', { note_text: 'hello' });
    expect(other.toast).toMatchObject({ type: 'error', content: `${f.number} 属于客服部，您无权处理` });
    expectUnchanged(before, await snapshot(h, f.complaint.id));
    // The department's supervisor and a manager may act.
    expect((await click(h, f.messageId, MANAGER, 'accept')).toast?.type).toBe('success');
  });

  it('two staff clicking at once: two transfers, or two escalations, change the complaint once and the other is told', async () => {
    const f = await fileFor(h);
    const transfer = buttonValue(h.feishu.message(f.messageId).card!, 'transfer');
    const answers = await Promise.all([
      h.feishu.clickButton({ messageId: f.messageId, operator: { open_id: AGENT_1 }, value: transfer, formValue: { department: 'ops', route_reason: 'billing' } }),
      h.feishu.clickButton({ messageId: f.messageId, operator: { open_id: AGENT_2 }, value: transfer, formValue: { department: 'tech', route_reason: 'router' } }),
    ]);
    expect(answers.filter((a) => a.toast?.type === 'success')).toHaveLength(1);
    const loser = answers.find((a) => a.toast?.type !== 'success')!;
    const c = await row(f.complaint.id);
    expect(loser.toast?.content).toContain(c.departmentId === 'ops' ? '运营部' : '技术部');
    expect(await eventTypes(f.complaint.id)).toEqual(['registered', 'transfer']);

    const g = await fileFor(h);
    const escalate = buttonValue(h.feishu.message(g.messageId).card!, 'escalate');
    const both = await Promise.all(
      [AGENT_1, AGENT_2].map((who) => h.feishu.clickButton({ messageId: g.messageId, operator: { open_id: who }, value: escalate, formValue: { route_reason: `urgent (${who})` } })),
    );
    expect(both.filter((a) => a.toast?.type === 'success')).toHaveLength(1);
    expect((await row(g.complaint.id)).escalationTier).toBe(1);
    expect(await eventTypes(g.complaint.id)).toEqual(['registered', 'escalate']);
  });
});
