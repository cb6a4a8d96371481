/**
 * Following up end to end on Telegram: /my and the status of one complaint (only one's own), adding
 * information and a photo that staff then see in the complaint's Feishu thread, and withdrawing.
 */
import { describe, expect, it } from 'vitest';
import { type Harness } from '../support/harness.ts';
import { buttonsOf, cardOf, CustomerChat, feishuText, harnessKinds } from './customer-e2e.ts';
import { useHarness } from '../support/use-harness.ts';
import { renderLarkMarkdown } from '../../src/sandbox/emulators/feishu/markdown.ts';

describe.each(harnessKinds())('customer follow-up on Telegram ($name)', (kind) => {
  let h: Harness;
  useHarness(kind, (started) => (h = started));

  it('lists my complaints, shows one with its timeline, and refuses someone else\'s number', async () => {
    const c = new CustomerChat(h, { first_name: 'Sun' });
    const first = await c.file({ description: 'Overcharged on the last bill.' });
    const second = await c.file({ category: 'network', description: 'The line drops every evening.' });
    const list = await c.say('/my');
    expect(list.text).toMatch(new RegExp(`Your complaints:\\n${second} · Network and technical · Awaiting acceptance · \\d{4}-\\d{2}-\\d{2}\\n${first} · Service attitude`));
    const status = await c.click(list, buttonsOf(list)[1]!);
    expect(status.text).toMatch(new RegExp(`^Complaint ${first}: Awaiting acceptance`));
    expect(status.text).toMatch(/Progress:\n\d{4}-\d{2}-\d{2} \d{2}:\d{2} complaint registered/);

    const stranger = new CustomerChat(h, { first_name: 'Nosy' });
    const refused = await stranger.say(`/status ${first}`);
    expect(refused.text).toBe(`No complaint ${first} was found among yours. Send /my to see your complaints.`);
  });

  it('what the customer typed shows on the Feishu card exactly as typed and inert (&, <, >, &lt; typed literally, <at id=all>)', async () => {
    const c = new CustomerChat(h, { first_name: 'Wu' });
    const typed = 'Tom & Jerry said <b>hi</b> &lt; <at id=all></at> **x** [y](https://e.x) #1';
    const number = await c.file({ description: typed });
    const card = (await cardOf(h, number)).card as { body: { elements: { element_id?: string; content?: string }[] } };
    const description = card.body.elements.find((e) => e.element_id === 'description')!.content!;
    const shown = renderLarkMarkdown(description);
    expect(shown.text.endsWith(typed)).toBe(true);
    expect([shown.mentions, shown.links]).toEqual([[], []]);
  });

  it('"收到，谢谢" after filing gets a short answer and nothing reaches the Feishu thread', async () => {
    const c = new CustomerChat(h, { first_name: 'Zhou', language_code: 'zh-hans' });
    const number = await c.file({ description: 'The cashier was rude to me.' });
    await cardOf(h, number);
    const thanks = await c.say('收到，谢谢');
    expect(thanks.text).toBe(`不客气！投诉 ${number} 正在处理，有进展会通知您。`);
    const more = await c.say('对了，收银员还多收了我二十块钱。');
    expect(more.text).toMatch(/已把您的消息补充到投诉/);
    await feishuText(h, '多收了我二十块钱');
    const threadTexts = h.feishu.calls.filter((x) => x.method === 'POST' && String((x.body as { content?: unknown } | undefined)?.content ?? '').includes('收到，谢谢'));
    expect(threadTexts).toEqual([]);
    const complaint = await h.bot.ctx.db.complaint.findUniqueOrThrow({ where: { number }, include: { events: true } });
    expect(complaint.events.filter((e) => e.type === 'customer_message')).toHaveLength(1);
  });

  it('adds information and a photo; staff see them in the complaint\'s Feishu thread', async () => {
    const c = new CustomerChat(h, { first_name: 'Qian' });
    const number = await c.file({ description: 'The delivery man broke my gate.' });
    const card = await cardOf(h, number);
    const ask = await c.say(`/add ${number}`);
    expect(ask.text).toMatch(new RegExp(`add to ${number}`));
    const recorded = await c.say('He drove into it while reversing, around 3 pm.');
    expect(recorded.text).toMatch(/the department can see it/);
    const text = await feishuText(h, 'He drove into it while reversing');
    expect(text.chatId).toBe('oc_cs_group');
    expect(text.rootId ?? text.parentId).toBe(card.messageId); // under the complaint's card
    await c.photo();
    const photoNotice = await feishuText(h, `为投诉 ${number} 补充了 1 个照片/文件`);
    expect(photoNotice.chatId).toBe('oc_cs_group');
    const done = await c.click(recorded, 'done');
    expect(done.text).toMatch(/your 2 addition\(s\)/);
    const complaint = await h.bot.ctx.db.complaint.findUniqueOrThrow({ where: { number }, include: { attachments: true } });
    expect(complaint.attachments).toHaveLength(1);
  });

  it('withdraws after confirmation; the department is told and the card shows it closed', async () => {
    const c = new CustomerChat(h, { first_name: 'Li' });
    const number = await c.file({ description: 'Wrong colour delivered.' });
    const card = await cardOf(h, number);
    const ask = await c.say('/withdraw');
    expect(buttonsOf(ask)).toEqual([expect.stringMatching(/^wd:\d+$/), 'wdno']);
    const done = await c.click(ask, buttonsOf(ask)[0]!);
    expect(done.text).toBe(`Complaint ${number} is withdrawn. You can file a new one at any time.`);
    const told = await feishuText(h, `撤销了投诉 ${number}`);
    expect(told.chatId).toBe('oc_cs_group');
    await h.feishu.waitForCall((call) => call.method === 'PATCH' && call.path.endsWith(card.messageId) && JSON.stringify(call.body).includes('已关闭'));
    const again = await c.click(ask, buttonsOf(ask)[0]!);
    expect(again.text).toMatch(/is "Closed" and cannot be withdrawn/);
  });
});
