/**
 * A person's rights (issue 10, item 7) end to end on the Telegram and Feishu emulators: `/mydata` sends
 * the customer what is stored about them (split to Telegram's limit) and is logged; `/forget` asks yes or
 * no, posts a request card into the supervision chat where only a supervisor or manager may decide;
 * refused, the customer is told the reason and nothing is removed; approved, their open complaints are
 * closed through the lifecycle, their personal data is gone, the audit trail stays, and they are told.
 */
import { describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { type Harness } from '../support/harness.ts';
import { useHarness } from '../support/use-harness.ts';
import { buttonsOf, CustomerChat, harnessKinds } from './customer-e2e.ts';
import { cardMessageId, cardText, click, outboxSettled } from './staff-helpers.ts';
import { fileComplaint } from '../../src/app/complaints/file-complaint.ts';
import { DEIDENTIFIED } from '../../src/app/records/deidentify-personal-data.ts';
import { MESSAGE_LIMITS, splitMessage } from '../../src/app/records/show-my-data.ts';
import { parseCustomerCommand } from '../../src/app/customers/customer-command-words.ts';
import { t } from '../../src/i18n/index.ts';

const SUPERVISION = 'oc_supervision_group';
const MANAGER = 'ou_general_manager';
const SUPERVISOR = 'ou_cs_supervisor';
const AGENT = 'ou_cs_agent_1';

describe('the words and the split', () => {
  it('mydata and forget as typed on WeChat, in both languages', () => {
    for (const [word, name] of [['/mydata', 'mydata'], ['我的数据', 'mydata'], ['mydata', 'mydata'], ['/forget', 'forget'], ['删除我的数据', 'forget'], ['forget', 'forget']] as const)
      expect(parseCustomerCommand(word)?.name).toBe(name);
    expect(t('zh', 'mydata.footer', {}, 'wechat')).toBe('如需删除这些信息，请回复“删除我的数据”。');
    expect(t('en', 'mydata.footer', {}, 'telegram')).toBe('To have this deleted, send /forget.');
  });

  it('splits at whole lines within the limit: WeChat counts bytes, a Chinese character is 3', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `${i} ${'投诉'.repeat(20)}`); // ~124 bytes each
    const parts = splitMessage(lines, MESSAGE_LIMITS.wechat!);
    expect(parts.length).toBe(3);
    for (const p of parts) expect(Buffer.byteLength(p, 'utf8')).toBeLessThanOrEqual(2048 - 40);
    expect(parts.join('\n')).toBe(lines.join('\n'));
    const long = splitMessage(['字'.repeat(5000)], MESSAGE_LIMITS.telegram!);
    expect(long.map((p) => p.length)).toEqual([4056, 944]);
  });
});

describe.each(harnessKinds())('a customer’s data rights on $name', (kind) => {
  let h: Harness;
  useHarness(kind, (started) => (h = started));

  /** The parts of a split answer: the first says how many there are. */
  async function allParts(c: CustomerChat, first: Message): Promise<Message[]> {
    const total = Number(/^\(part 1 of (\d+)\)/.exec(first.text ?? '')?.[1] ?? 1);
    const out = [first];
    while (out.length < total) out.push(await c.next(10_000));
    return out;
  }

  async function requestCard(): Promise<string> {
    await outboxSettled(h);
    const cards = h.feishu.messagesIn(SUPERVISION).filter((m) => m.msgType === 'interactive');
    return cards.at(-1)!.messageId;
  }

  async function forget(c: CustomerChat): Promise<{ text: string; id: number }> {
    const ask = await c.say('/forget');
    expect(buttonsOf(ask)).toEqual(['fgyes', 'fgno']);
    const sent = await c.click(ask, 'fgyes');
    const id = Number(/#(\d+)/.exec(sent.text ?? '')?.[1]);
    return { text: sent.text ?? '', id };
  }

  it('/mydata: the profile, each complaint with its fields and messages, in parts within Telegram’s limit; logged', async () => {
    const c = new CustomerChat(h, { first_name: 'Hanna' });
    const number = await c.file({ description: 'The cashier was rude to me.' });
    const relayed = await c.say('He also shouted at my daughter.');
    expect(relayed.text).toContain(number);
    // Two long complaints registered straight through the use case, so the answer needs several messages.
    const customer = await h.bot.ctx.db.customer.findFirstOrThrow({ where: { platformUserId: String(c.user.id) } });
    for (const letter of ['A', 'B'])
      await h.bot.ctx.db.$transaction((tx) => fileComplaint(h.bot.ctx, tx, { customerId: customer.id, categoryId: 'quality', description: `${letter}${'x'.repeat(3000)}`, contactPhone: '13812345678', language: 'en' }));
    await outboxSettled(h);
    while (await c.next(1500).catch(() => null)); // the registration messages

    h.telegram.sendText(c.user, '/mydata');
    const parts = await allParts(c, await c.next());
    expect(parts.length).toBe(2);
    parts.forEach((p, i) => {
      expect(p.text!.length).toBeLessThanOrEqual(4096);
      expect(p.text!.startsWith(`(part ${i + 1} of 2)\n`)).toBe(true);
    });
    const all = parts.map((p) => p.text).join('\n');
    expect(all).toContain('[Profile]\nChannel: Telegram\nAccount id: telegram:' + c.user.id + '\nName: Hanna');
    expect(all).toContain(`[Complaint ${number}]\nStatus: Awaiting acceptance\nCategory: Service attitude`);
    expect(all).toContain('What happened: The cashier was rude to me.');
    expect(all).toContain('Request: An apology');
    expect(all).toMatch(/Messages:\n· \d{4}-\d{2}-\d{2} \d{2}:\d{2} You: He also shouted at my daughter\./);
    expect(all).toContain(`A${'x'.repeat(3000)}`);
    expect(all).toContain('Contact phone: 13812345678');
    expect(all.trimEnd().endsWith('To have this deleted, send /forget.')).toBe(true);
    const log = await h.bot.ctx.db.accessLog.findMany({ where: { kind: 'data_request', customerId: customer.id } });
    expect(log.map((l) => [l.actor, l.details])).toEqual([[`telegram:${c.user.id}`, { request: 'mydata', complaints: 3, messages: 2, channel: 'telegram' }]]);
  });

  it('/forget refused: no changes the mind first; then only a supervisor or manager decides, a reason is required and the customer is told it', async () => {
    const c = new CustomerChat(h, { first_name: 'Olga' });
    const number = await c.file({ description: 'The courier threw my parcel.' });
    const ask = await c.say('/forget');
    expect(ask.text).toContain('Your open complaints (1) will be closed first');
    expect((await c.click(ask, 'fgno')).text).toBe('OK, your data stays as it is.');
    expect(await h.bot.ctx.db.dataRequest.count()).toBe(0);

    const { text, id } = await forget(c);
    expect(text).toBe(`Your deletion request (#${id}) has been sent; a supervisor will review it and you will be told the decision.`);
    expect((await c.say('/forget')).text).toBe(`Your deletion request (#${id}) is already waiting for a decision.`);
    const cardId = await requestCard();
    const shown = cardText(h, cardId);
    expect(shown).toContain(`个人信息删除请求 #${id}`);
    expect(shown).toContain('Olga');
    expect(shown).toContain(number);

    expect((await click(h, cardId, AGENT, 'dr_refuse', { dr_reason: 'no' })).toast).toMatchObject({ type: 'error', content: '只有主管或经理可以审批删除请求' });
    expect((await click(h, cardId, SUPERVISOR, 'dr_refuse', { dr_reason: '  ' })).toast).toMatchObject({ type: 'warning', content: '拒绝时请填写原因（会告知客户）' });
    const refused = await click(h, cardId, SUPERVISOR, 'dr_refuse', { dr_reason: 'Your complaint is still being handled; ask again once it is closed.' });
    expect(refused.toast).toMatchObject({ type: 'success', content: '已拒绝，原因已告知客户' });
    expect(cardText(h, cardId)).toContain('张敏');
    expect(cardText(h, cardId)).toContain('Your complaint is still being handled');
    const told = await c.next();
    expect(told.text).toBe(`Your deletion request (#${id}) was refused. Reason: Your complaint is still being handled; ask again once it is closed.\nIf you have questions, please contact us directly.`);
    // a second click on the same card changes nothing
    const again = await h.feishu.clickButton({ messageId: cardId, operator: { open_id: MANAGER }, value: { v: 1, a: 'data_request', r: id, d: 'approve' } });
    expect(again.toast).toMatchObject({ type: 'info', content: `该请求已处理：已拒绝（Your complaint is still being handled; ask again once it is closed.）` });

    const complaint = await h.bot.ctx.db.complaint.findUniqueOrThrow({ where: { number }, include: { customer: true } });
    expect([complaint.status, complaint.description, complaint.customer.displayName, complaint.deidentifiedAt]).toEqual(['registered', 'The courier threw my parcel.', 'Olga', null]);
    const request = await h.bot.ctx.db.dataRequest.findUniqueOrThrow({ where: { id } });
    expect([request.status, request.decidedBy, request.reason]).toEqual(['refused', `feishu:${SUPERVISOR}`, 'Your complaint is still being handled; ask again once it is closed.']);
    const log = await h.bot.ctx.db.accessLog.findMany({ where: { customerId: complaint.customerId, kind: { in: ['forget_request', 'forget_decision'] } }, orderBy: { id: 'asc' } });
    expect(log.map((l) => [l.kind, l.actor])).toEqual([
      ['forget_request', `telegram:${c.user.id}`],
      ['forget_decision', `feishu:${SUPERVISOR}`],
    ]);
  });

  it('/forget approved: the open complaint is closed first (audited), the personal data is gone, the facts and audit trail stay, the customer is told', async () => {
    const c = new CustomerChat(h, { first_name: 'Piotr' });
    const number = await c.file({ description: 'The courier broke my gate at 8 Century Avenue, call 13900001111.' });
    await c.say('The gate is still broken.');
    await c.say('/mydata');
    const before = await h.bot.ctx.db.complaint.findUniqueOrThrow({ where: { number } });
    const cardMessage = await cardMessageId(h, before.id);
    const { id } = await forget(c);
    const cardId = await requestCard();
    const approved = await click(h, cardId, MANAGER, 'dr_approve', { dr_reason: '' });
    expect(approved.toast).toMatchObject({ type: 'success', content: '已批准，客户的个人信息已匿名化' });
    expect(cardText(h, cardId)).toMatch(/郑总 于 .* 批准：关闭 1 件投诉，匿名化 1 件投诉的个人信息/);
    const told = await c.next();
    expect(told.text).toBe(`Your deletion request (#${id}) was approved: 1 open complaint(s) closed, your personal data de-identified. This is the last message we send you.`);
    await outboxSettled(h);

    const after = await h.bot.ctx.db.complaint.findUniqueOrThrow({ where: { number }, include: { customer: true, events: { orderBy: { id: 'asc' } } } });
    expect([after.status, after.closeReason, after.description, after.desiredOutcome, after.contactPhone, after.category, after.departmentId]).toEqual(['closed', 'data_deletion', DEIDENTIFIED, DEIDENTIFIED, null, 'service', 'cs']);
    expect([after.customer.displayName, after.customer.phone, after.customer.platformUserId, after.customer.chatId]).toEqual([DEIDENTIFIED, null, `deidentified:${after.customerId}`, '']);
    // the audit trail: every event stays, the close by the manager, the de-identification last; no customer text left
    const types = after.events.map((e) => e.type);
    expect(types[0]).toBe('registered');
    expect(types.slice(-2)).toEqual(['withdraw', 'deidentify']);
    const close = after.events.at(-2)!;
    expect([close.actor, close.toStatus, close.data]).toEqual([`feishu:${MANAGER}`, 'closed', { reason: 'data_deletion', request: id }]);
    const trail = JSON.stringify(after.events);
    for (const gone of ['Piotr', 'gate is still broken', String(c.user.id), '13900001111']) expect(trail).not.toContain(gone);
    const everything = JSON.stringify([await h.bot.ctx.db.customer.findMany(), await h.bot.ctx.db.complaint.findMany(), await h.bot.ctx.db.conversation.findMany()]);
    for (const gone of ['Piotr', 'Century Avenue', 'gate is still broken']) expect(everything).not.toContain(gone);
    // the department was told, and the card shows the marker where the data was
    expect(h.feishu.messagesIn('oc_cs_group').some((m) => (m.text ?? '').includes(`投诉 ${number} 因客户申请删除个人信息而关闭（#${id}）`))).toBe(true);
    const card = cardText(h, await cardMessageId(h, before.id)).replace(/\\/g, '');
    expect(card).toContain('已匿名化 / de-identified');
    expect(card).not.toContain('Century Avenue');
    expect(cardMessage).toBeTruthy();

    const log = await h.bot.ctx.db.accessLog.findMany({ where: { customerId: after.customerId }, orderBy: { id: 'asc' } });
    expect(log.map((l) => [l.kind, l.actor])).toEqual([
      ['data_request', `telegram:${c.user.id}`],
      ['forget_request', `telegram:${c.user.id}`],
      ['deidentify', `feishu:${MANAGER}`],
      ['forget_decision', `feishu:${MANAGER}`],
    ]);
    expect(log[2]!.details).toMatchObject({ reason: 'forget', request: id, complaints: 1, customers: 1, numbers: [number] });

    // Writing again: a new customer, who knows nothing of the old one.
    const again = await c.say('/my');
    expect(again.text).toBe('You have no complaints yet. Send /complain to file one.');
  });
});
