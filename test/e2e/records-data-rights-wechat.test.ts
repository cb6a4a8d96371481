/**
 * `/mydata` and `/forget` for a WeChat customer over Wechaty (wechaty-puppet-mock): the words WeChat
 * customers type (我的数据, 删除我的数据), the answer within WeChat's 2,048-byte text limit, the yes/no step
 * answered by number, and an approval in the supervision chat that reaches the customer on WeChat.
 */
import { describe, expect, it } from 'vitest';
import { harnessKinds, type Harness } from '../support/harness.ts';
import { click, outboxSettled } from './staff-helpers.ts';
import { useWechatyHarness, WechatCustomer, type WechatyBot } from './wechat-helpers.ts';
import { DEIDENTIFIED } from '../../src/app/records/deidentify-personal-data.ts';

const SUPERVISION = 'oc_supervision_group';

describe.each(harnessKinds())('a WeChat customer’s data rights on $name', (kind) => {
  let bot: WechatyBot;
  let h: Harness;
  useWechatyHarness(kind, (started) => {
    bot = started;
    h = started.h;
  });

  it('我的数据 shows what is stored; 删除我的数据, answered by number, approved by a supervisor, removes it', async () => {
    const c = new WechatCustomer(bot, '钱芳');
    const number = await c.file('快递员把包裹扔在门口，地址是上海市静安区 3 号。', { phone: '13700002222' });
    const mine = await c.say('我的数据');
    expect(Buffer.byteLength(mine, 'utf8')).toBeLessThanOrEqual(2048);
    expect(mine).toContain('【个人资料】\n渠道：微信\n账号标识：wechat:' + c.id + '\n名称：钱芳\n电话：13700002222');
    expect(mine).toContain(`【投诉 ${number}】\n状态：待受理\n类别：服务态度`);
    expect(mine).toContain('投诉内容：快递员把包裹扔在门口，地址是上海市静安区 3 号。');
    expect(mine.endsWith('如需删除这些信息，请回复“删除我的数据”。')).toBe(true);

    const ask = await c.say('删除我的数据');
    expect(ask).toContain('您未办结的投诉（1 件）将先被关闭');
    expect(ask).toMatch(/\n1\. 确定删除\n2\. 不删除\n/);
    const sent = await c.choose(ask, '确定删除');
    const id = Number(/#(\d+)/.exec(sent)?.[1]);
    expect(sent).toBe(`您的删除请求（#${id}）已提交，监督人员审核后会通知您。`);

    await outboxSettled(h);
    const card = h.feishu.messagesIn(SUPERVISION).filter((m) => m.msgType === 'interactive').at(-1)!.messageId;
    expect((await click(h, card, 'ou_qa_supervisor', 'dr_approve', { dr_reason: '' })).toast?.type).toBe('success');
    expect(await c.next()).toBe(`您的删除请求（#${id}）已批准：1 件未办结的投诉已关闭，您的个人信息已匿名化。这是我们发给您的最后一条消息。`);
    const complaint = await h.bot.ctx.db.complaint.findUniqueOrThrow({ where: { number }, include: { customer: true } });
    expect([complaint.status, complaint.description, complaint.contactPhone, complaint.customer.displayName, complaint.customer.platformUserId]).toEqual([
      'closed',
      DEIDENTIFIED,
      null,
      DEIDENTIFIED,
      `deidentified:${complaint.customerId}`,
    ]);
  });
});
