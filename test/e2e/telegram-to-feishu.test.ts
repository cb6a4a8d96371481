/**
 * The foundation scenario end to end: a Telegram customer files a complaint, the department's Feishu
 * group gets a card, staff accept and resolve from the card, the customer hears about each step.
 * Real grammY and the real Feishu SDK talk to the emulators; the database is PGlite (and PostgreSQL
 * when TEST_DATABASE_URL is set).
 */
import { describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { harnessKinds, type Harness } from '../support/harness.ts';
import { useHarness } from '../support/use-harness.ts';

const kinds = harnessKinds();

function buttonsOf(message: unknown): string[] {
  const markup = (message as Message).reply_markup;
  return markup?.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data! : '')) ?? [];
}

describe.each(kinds)('Telegram → Feishu → Telegram on $name', (kind) => {
  let h: Harness;
  useHarness(kind, (started) => (h = started));

  async function fileComplaint(user: { id: number }, description: string) {
    const tg = h.telegram;
    tg.sendText(user, '/complain');
    const ask = await tg.nextBotCall('sendMessage', { chatId: user.id });
    expect(buttonsOf(ask.result)).toContain('cat:service');
    const askId = (ask.result as Message).message_id;
    tg.clickButton(user, { message_id: askId, chat: { id: user.id, type: 'private' } as Message['chat'] }, 'cat:service');
    await tg.nextBotCall('sendMessage', { chatId: user.id });
    tg.sendText(user, 'The delivery service');
    await tg.nextBotCall('sendMessage', { chatId: user.id });
    tg.sendText(user, description);
    const askWhen = await tg.nextBotCall('sendMessage', { chatId: user.id });
    tg.clickButton(user, askWhen.result as Message, 'when:today');
    await tg.nextBotCall('sendMessage', { chatId: user.id });
    tg.sendText(user, 'A refund');
    const askPhone = await tg.nextBotCall('sendMessage', { chatId: user.id });
    expect(String(askPhone.params.text)).toMatch(/phone/i);
    tg.sendText(user, '13812345678');
    const askReplyBy = await tg.nextBotCall('sendMessage', { chatId: user.id });
    tg.clickButton(user, askReplyBy.result as Message, 'skip');
    const askPhotos = await tg.nextBotCall('sendMessage', { chatId: user.id });
    tg.clickButton(user, askPhotos.result as Message, 'done');
    const summary = await tg.nextBotCall('sendMessage', { chatId: user.id });
    expect(String(summary.params.text)).toContain(description);
    tg.clickButton(user, summary.result as Message, 'confirm');
    const registered = await tg.nextBotCall('sendMessage', { chatId: user.id });
    const number = /TS-\d{8}-\d{4}/.exec(String(registered.params.text))?.[0];
    expect(number, String(registered.params.text)).toBeDefined();
    const sent = await h.feishu.waitForCall((c) => c.method === 'POST' && c.path === '/open-apis/im/v1/messages' && JSON.stringify(c.body).includes(number!), 5000);
    const messageId = (sent.response as { data: { message_id: string } }).data.message_id;
    return { number: number!, messageId };
  }

  it('files a complaint from Telegram and posts the card to the department group', async () => {
    const user = h.telegram.createUser({ first_name: 'Li', last_name: 'Lei', language_code: 'en' });
    const started = Date.now();
    const { number, messageId } = await fileComplaint(user, 'The courier threw the parcel over the fence.');
    expect(Date.now() - started).toBeGreaterThan(0);
    const card = h.feishu.message(messageId);
    expect(card.chatId).toBe('oc_cs_group');
    const text = JSON.stringify(card.card).replace(/&#(\d{1,6});/g, (_, n: string) => String.fromCodePoint(Number(n))); // as Feishu shows it
    expect(card.card).toMatchObject({ schema: '2.0' });
    for (const part of [number, '服务态度', '一般', 'The courier threw the parcel over the fence.', 'Li Lei', '138****5678', 'Telegram', '受理时限', '办结时限', '待受理'])
      expect(text).toContain(part);
    expect(text).not.toContain('13812345678');
  });

  it('accepts from the card: the card changes in place and the customer is told; a second click changes nothing', async () => {
    const user = h.telegram.createUser({ first_name: 'Han', language_code: 'en' });
    const { number, messageId } = await fileComplaint(user, 'Billing charged me twice.');
    const value = (h.feishu.message(messageId).card as any).body.elements.find((e: any) => e.element_id === 'accept').behaviors[0].value;
    const answer = await h.feishu.clickButton({ messageId, operator: { open_id: 'ou_cs_agent_1' }, value });
    expect(answer.toast).toMatchObject({ type: 'success', content: `已受理 ${number}` });
    const after = JSON.stringify(h.feishu.message(messageId).card);
    expect(after).toContain('已受理');
    expect(after).toContain('王芳');
    expect(after).not.toContain('"element_id":"accept"');
    const told = await h.telegram.nextBotCall('sendMessage', { chatId: user.id });
    expect(String(told.params.text)).toContain(`${number} was accepted by 客服部`);

    const again = await h.feishu.clickButton({ messageId, operator: { open_id: 'ou_cs_agent_2' }, value });
    expect(again.toast?.content).toMatch(new RegExp(`${number} 已由 王芳 于 .* 受理`));
  });

  it('two staff clicking Accept at once: one wins, the other is told who did', async () => {
    const user = h.telegram.createUser({ first_name: 'Mei', language_code: 'en' });
    const { messageId } = await fileComplaint(user, 'Rude answer on the hotline.');
    const value = (h.feishu.message(messageId).card as any).body.elements.find((e: any) => e.element_id === 'accept').behaviors[0].value;
    const answers = await Promise.all([
      h.feishu.clickButton({ messageId, operator: { open_id: 'ou_cs_agent_1' }, value }),
      h.feishu.clickButton({ messageId, operator: { open_id: 'ou_cs_agent_2' }, value }),
    ]);
    expect(answers.filter((a) => a.toast?.type === 'success')).toHaveLength(1);
    expect(answers.filter((a) => /已由 .* 受理/.test(String(a.toast?.content)))).toHaveLength(1);
    const accepted = await h.bot.ctx.db.complaintEvent.count({ where: { type: 'accept', complaint: { customer: { platformUserId: String(user.id) } } } });
    expect(accepted).toBe(1);
  });

  it('resolves from the card form: the customer receives the note; empty notes and strangers are refused', async () => {
    const user = h.telegram.createUser({ first_name: 'Wu', language_code: 'en' });
    const { number, messageId } = await fileComplaint(user, 'Late delivery, food cold.');
    const card = () => h.feishu.message(messageId).card as any;
    const accept = card().body.elements.find((e: any) => e.element_id === 'accept').behaviors[0].value;
    await h.feishu.clickButton({ messageId, operator: { open_id: 'ou_cs_agent_2' }, value: accept });
    await h.telegram.nextBotCall('sendMessage', { chatId: user.id });
    const form = card().body.elements.find((e: any) => e.tag === 'form');
    const resolve = form.elements.find((e: any) => e.element_id === 'resolve').behaviors[0].value;

    const empty = await h.feishu.clickButton({ messageId, operator: { open_id: 'ou_cs_agent_2' }, value: resolve, formValue: { resolution: '' } });
    expect(empty.toast?.type).toBe('warning');
    const stranger = await h.feishu.clickButton({ messageId, operator: { open_id: 'ou_stranger' }, value: resolve, formValue: { resolution: 'x' } });
    expect(stranger.toast?.type).toBe('error');
    const forged = await h.feishu.clickButton({ messageId, operator: { open_id: 'ou_cs_agent_2' }, value: { a: 'resolve', c: 'DROP TABLE' } });
    expect(forged.toast?.type).toBe('error');

    const ok = await h.feishu.clickButton({ messageId, operator: { open_id: 'ou_cs_agent_2' }, value: resolve, formValue: { resolution: 'Refunded the delivery fee and apologised.' } });
    expect(ok.toast).toMatchObject({ type: 'success', content: `已办结 ${number}` });
    expect(JSON.stringify(card()).replace(/&#(\d{1,6});/g, (_, n: string) => String.fromCodePoint(Number(n)))).toContain('Refunded the delivery fee and apologised.');
    expect(JSON.stringify(card())).toContain('已解决');
    const told = await h.telegram.nextBotCall('sendMessage', { chatId: user.id });
    expect(String(told.params.text)).toContain('Refunded the delivery fee and apologised.');
  });

  it('keeps a half-filed complaint across a restart of the bot', async () => {
    const user = h.telegram.createUser({ first_name: 'Zhou', language_code: 'zh-hans' });
    h.telegram.sendText(user, '投诉');
    const ask = await h.telegram.nextBotCall('sendMessage', { chatId: user.id });
    h.telegram.clickButton(user, ask.result as Message, 'cat:network');
    await h.telegram.nextBotCall('sendMessage', { chatId: user.id });
    await h.restart();
    h.telegram.sendText(user, '家里的宽带');
    const next = await h.telegram.nextBotCall('sendMessage', { chatId: user.id, timeoutMs: 10_000 });
    expect(String(next.params.text)).toContain('发生了什么');
    h.telegram.sendText(user, '宽带每天晚上断线');
    await h.telegram.nextBotCall('sendMessage', { chatId: user.id });
    for (const answer of ['跳过', '恢复正常使用', 'skip', '跳过', '完成']) {
      h.telegram.sendText(user, answer);
      await h.telegram.nextBotCall('sendMessage', { chatId: user.id });
    }
    const summary = h.telegram.messagesIn(user.id).at(-1)!;
    expect(summary.text).toContain('请确认投诉内容');
    expect(summary.text).toContain('宽带每天晚上断线');
    expect(summary.text).toContain('网络技术');
  });
});
