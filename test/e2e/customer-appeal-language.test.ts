/**
 * End to end: an appeal reaches the supervision group in Feishu and not the handling department; the
 * bot speaks the customer's app language until they pick one with /lang, which then sticks.
 */
import { describe, expect, it } from 'vitest';
import { type Harness } from '../support/harness.ts';
import { buttonsOf, cardOf, CustomerChat, feishuText, harnessKinds } from './customer-e2e.ts';
import { useHarness } from '../support/use-harness.ts';

describe.each(harnessKinds())('customer appeal and language on Telegram ($name)', (kind) => {
  let h: Harness;
  useHarness(kind, (started) => (h = started));

  it('sends an appeal to the supervision group, not to the department that handled the complaint', async () => {
    const c = new CustomerChat(h, { first_name: 'Gao', language_code: 'zh-hans' });
    const number = await c.file({ description: '维修师傅迟到三个小时。' });
    await cardOf(h, number);
    const ask = await c.say(`/appeal ${number}`);
    expect(ask.text).toMatch(/申诉将交给监督部门，而不是原处理部门/);
    const done = await c.say('客服只说会处理，三天了没有任何人联系我。');
    expect(done.text).toBe(`您对投诉 ${number} 的申诉已记录，并已转交监督部门。`);
    const appeal = await feishuText(h, '三天了没有任何人联系我');
    expect(appeal.chatId).toBe('oc_supervision_group');
    expect(appeal.text).toMatch(new RegExp(`^【申诉】客户 Gao 对投诉 ${number}（客服部，当前状态：待受理）的处理提出申诉`));
    const inDepartment = h.feishu.messagesIn('oc_cs_group', { includeThreadReplies: true }).filter((m) => (m.text ?? m.content).includes('三天了没有任何人联系我'));
    expect(inDepartment).toEqual([]);
  });

  it('follows the app language until the customer chooses one with /lang', async () => {
    const c = new CustomerChat(h, { first_name: 'Wei', language_code: 'zh-hans' });
    const hello = await c.say('/help');
    expect(hello.text).toMatch(/^您好/);
    const ask = await c.say('/lang');
    expect(buttonsOf(ask)).toEqual(['lang:zh', 'lang:en']);
    const set = await c.click(ask, 'lang:en');
    expect(set.text).toBe('OK, I will speak English with you from now on.');
    const after = await c.say('/help');
    expect(after.text).toMatch(/^Hello, this is the complaint service/);
    const unknown = await c.say('/foo');
    expect(unknown.text).toMatch(/^Unknown command \/foo/);
    // After a restart the choice is still there: it lives in the database.
    await h.restart();
    const again = await c.say('/help');
    expect(again.text).toMatch(/^Hello/);
  });
});
