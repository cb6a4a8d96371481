/**
 * The customer's side after filing, end to end over Wechaty (wechaty-puppet-mock): following up (/my,
 * /status, /add, /withdraw), talking with staff who act from the Feishu card, rating the resolution,
 * appealing to the supervision group, and switching the language. WeChat has no buttons: every choice is
 * made by replying with its number from the list the bot sent. Real Wechaty, the real Feishu SDK against
 * its emulator; PGlite, and PostgreSQL when TEST_DATABASE_URL is set.
 */
import { describe, expect, it } from 'vitest';
import { harnessKinds, type Harness } from '../support/harness.ts';
import { t } from '../../src/i18n/index.ts';
import { cardMessageId, cardText, click, outboxSettled } from './staff-helpers.ts';
import { feishuText } from './customer-e2e.ts';
import { optionNumber, useWechatyHarness, wechatButtons, WechatCustomer, type WechatyBot } from './wechat-helpers.ts';

const AGENT = 'ou_cs_agent_1'; // 王芳, 客服部

describe.each(harnessKinds())('WeChat (Wechaty) customer after filing on $name', (kind) => {
  let bot: WechatyBot;
  let h: Harness;
  useWechatyHarness(kind, (started) => {
    bot = started;
    h = started.h;
  });

  const db = () => h.bot.ctx.db;
  const complaintOf = (number: string) => db().complaint.findUniqueOrThrow({ where: { number } });
  const eventTypes = async (number: string) => {
    const { id } = await complaintOf(number);
    return (await db().complaintEvent.findMany({ where: { complaintId: id }, orderBy: { id: 'asc' } })).map((e) => e.type);
  };
  const threadTexts = (messageId: string) => h.feishu.threadOf(messageId).map((m) => m.text ?? '');
  const cardRedrawnWith = (messageId: string, snippet: string) =>
    h.feishu.waitForCall((call) => call.method === 'PATCH' && call.path.endsWith(messageId) && JSON.stringify(call.body).includes(snippet), 5000);

  it('follows up: /my lists the complaints with their state, a number shows one, /status its timeline, /add reaches the card, /withdraw closes it', async () => {
    const c = new WechatCustomer(bot, '孙丽');
    const first = await c.file('上周买的热水器漏水，售后一直没人上门。');
    const second = await c.file('宽带每天晚上都会掉线。', { category: 'network' });

    // /my: newest first, with category, state and date; one numbered option per complaint.
    const list = await c.say('/my');
    expect(list).toMatch(new RegExp(`^您的投诉：\\n${second} · 网络技术 · 待受理 · \\d{4}-\\d{2}-\\d{2}\\n${first} · 服务态度 · 待受理 · \\d{4}-\\d{2}-\\d{2}\\n`));
    expect(list).toContain(`\n1. ${second}\n2. ${first}\n${t('zh', 'wechat.replyWithNumber', { max: 2 })}`);
    // 我的投诉 works the same.
    expect(await c.say('我的投诉')).toBe(list);
    const details = await c.choose(list, first);
    expect(details).toMatch(new RegExp(`^投诉 ${first}：待受理\\n`));
    expect(details).toMatch(/处理进展：\n\d{4}-\d{2}-\d{2} \d{2}:\d{2} 投诉已登记/);

    // /add TS-… then text: recorded, in the thread under the card, and the card redrawn.
    const card = await cardMessageId(h, (await complaintOf(first)).id);
    const ask = await c.say(`/add ${first}`);
    expect(ask).toMatch(new RegExp(`^请发送要补充到 ${first} 的文字`));
    const recorded = await c.say('师傅说配件缺货，但没有告诉我什么时候到。');
    expect(recorded).toMatch(new RegExp(`^已补充到 ${first}，处理部门可以看到。`));
    const added = await feishuText(h, '师傅说配件缺货');
    expect(added.chatId).toBe('oc_cs_group');
    expect(added.rootId ?? added.parentId).toBe(card);
    expect(added.text).toContain('孙丽');
    await cardRedrawnWith(card, '客户补充信息');
    const done = await c.choose(recorded, '完成');
    expect(done).toBe(`谢谢，您为 ${first} 补充的 1 条内容已转给处理部门。`);
    expect(await eventTypes(first)).toEqual(['registered', 'info_added']);

    // /status TS-…: the state, the timeline with the addition, and the options a customer has on an open complaint.
    const status = await c.say(`/status ${first}`);
    expect(status).toMatch(new RegExp(`^投诉 ${first}：待受理\\n`));
    expect(status).toContain('处理部门：客服部');
    expect(status).toMatch(/处理进展：\n\d{4}-\d{2}-\d{2} \d{2}:\d{2} 投诉已登记\n\d{4}-\d{2}-\d{2} \d{2}:\d{2} 您补充了信息\n/);
    expect(status).toContain('\n1. ➕ 补充信息\n2. ↩️ 撤销投诉\n3. ⚖️ 申诉\n');

    // /withdraw TS-…, confirmed by replying with the number of "确定撤销" (another customer: the one above
    // has sent nearly the 30 messages a minute allows).
    const other = new WechatCustomer(bot, '钱多');
    const third = await other.file('快递送错了颜色。');
    const thirdCard = await cardMessageId(h, (await complaintOf(third)).id);
    const confirm = await other.say(`/withdraw ${third}`);
    expect(confirm).toContain(`确定撤销投诉 ${third} 吗？`);
    expect(confirm).toContain('\n1. 确定撤销\n2. 不撤销\n');
    const withdrawn = await other.choose(confirm, '确定撤销');
    expect(withdrawn).toBe(`投诉 ${third} 已撤销。如有需要，随时可以重新登记。`);
    const told = await feishuText(h, `撤销了投诉 ${third}`);
    expect(told.chatId).toBe('oc_cs_group');
    expect(told.text).toContain('钱多');
    await cardRedrawnWith(thirdCard, '已关闭');
    expect(await complaintOf(third)).toMatchObject({ status: 'closed', closeReason: 'withdrawn' });
    expect(await other.say('/my')).toContain(`${third} · 服务态度 · 已关闭 · `);
  });

  it("talks with staff: the card's reply and question reach WeChat, and the customer's plain answer goes back to the complaint and the card's thread", async () => {
    const c = new WechatCustomer(bot, '周杰');
    const number = await c.file('安装师傅把墙面打坏了，也没有清理。');
    const { id } = await complaintOf(number);
    const card = await cardMessageId(h, id);
    expect((await click(h, card, AGENT, 'accept')).toast?.type).toBe('success');
    expect(await c.next()).toContain(number);

    const reply = await click(h, card, AGENT, 'reply', { reply_text: '我们已联系安装公司，明天安排人上门修补。' });
    expect(reply.toast).toMatchObject({ type: 'success', content: `已回复客户（${number}）` });
    expect(await c.next()).toBe(`关于您的投诉 ${number}，工作人员回复：\n我们已联系安装公司，明天安排人上门修补。`);

    const ask = await click(h, card, AGENT, 'ask', { ask_text: '请问明天上午还是下午方便？' });
    expect(ask.toast?.type).toBe('success');
    expect(await c.next()).toBe(`关于您的投诉 ${number}，我们需要向您确认：\n请问明天上午还是下午方便？\n\n请直接回复这条消息。`);
    expect(await complaintOf(number)).toMatchObject({ status: 'waiting_customer' });

    const answered = await c.say('下午两点以后都可以。');
    expect(answered).toBe(`已收到您的回复，已转给投诉 ${number} 的处理人员。`);
    await outboxSettled(h);
    expect(threadTexts(card).some((text) => text.includes('下午两点以后都可以。'))).toBe(true);
    const row = await complaintOf(number);
    expect(row.status).toBe('in_progress');
    expect(row.pausedAt).toBeNull();
    const event = await db().complaintEvent.findFirstOrThrow({ where: { complaintId: id, type: 'customer_replied' } });
    expect(event).toMatchObject({ actor: `wechat:${c.id}`, actorName: '周杰' });
    expect(await eventTypes(number)).toEqual(['registered', 'accept', 'reply_customer', 'ask_customer', 'customer_replied']);
    expect(cardText(h, card)).toContain('客户回答');

    // Written without being asked: still goes to the complaint's thread, and the customer is told where.
    expect(await c.say('师傅明天来之前请先打电话。')).toBe(`已把您的消息补充到投诉 ${number}，处理人员会看到。`);
    await outboxSettled(h);
    expect(threadTexts(card).some((text) => text.includes('师傅明天来之前请先打电话。'))).toBe(true);
    expect(await db().complaintEvent.count({ where: { complaintId: id, type: 'customer_message', actor: `wechat:${c.id}` } })).toBe(1);
  });

  it('rates by number after staff resolve from the card: 1 reopens the complaint and tells the department, 5 closes it', async () => {
    const c = new WechatCustomer(bot, '马超');
    const number = await c.file('同一笔订单被扣了两次钱。');
    const { id } = await complaintOf(number);
    const card = await cardMessageId(h, id);
    await click(h, card, AGENT, 'accept');
    await c.next(); // accepted
    expect((await click(h, card, AGENT, 'resolve', { resolution: '已退回其中一笔扣款。' })).toast?.type).toBe('success');
    expect(await c.next()).toBe(`您的投诉 ${number} 已处理完毕。处理结果：\n已退回其中一笔扣款。`);
    const ask = await c.next();
    expect(ask).toBe(`请为投诉 ${number} 的处理打分：1 分为非常不满意，5 分为非常满意。\n\n1. 1 分\n2. 2 分\n3. 3 分\n4. 4 分\n5. 5 分\n${t('zh', 'wechat.replyWithNumber', { max: 5 })}`);

    const sorry = await c.say('1');
    expect(sorry).toMatch(new RegExp(`^非常抱歉没能让您满意。投诉 ${number} 已重新处理，处理部门会在 \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} 前再次与您联系。$`));
    const askComment = await c.next();
    expect(askComment).toContain('还有什么想对我们说的吗？');
    expect(askComment).toContain('\n1. 跳过\n');
    expect(await c.say('第二笔扣款还在我的信用卡上。')).toBe('谢谢，您的意见已记录。');
    const told = await feishuText(h, `对投诉 ${number} 的处理结果评分 1/5，投诉已重新打开`);
    expect(told.chatId).toBe('oc_cs_group');
    await feishuText(h, '第二笔扣款还在我的信用卡上。');
    await cardRedrawnWith(card, '已重开');
    expect(await complaintOf(number)).toMatchObject({ status: 'reopened', rating: 1 });

    const current = await cardMessageId(h, id);
    expect((await click(h, current, AGENT, 'resolve', { resolution: '第二笔扣款也已退回，流水号 5512。' })).toast?.type).toBe('success');
    expect(await c.next()).toContain('第二笔扣款也已退回，流水号 5512。');
    const again = await c.next();
    expect(again).toContain(`请为投诉 ${number} 的处理打分`);
    const thanks = await c.choose(again, '5 分');
    expect(thanks).toBe(`感谢您的评价（5/5），投诉 ${number} 已关闭。`);
    const skipComment = await c.next();
    expect(await c.choose(skipComment, '跳过')).toBe('好的，谢谢您的评价。');
    expect(await complaintOf(number)).toMatchObject({ status: 'closed', rating: 5, closeReason: 'rated' });
    // A number typed once more is no rating (the list it answered is gone): the complaint stays closed with its 5.
    expect(await c.say('3')).toBe(t('zh', 'customer.hint', {}, 'wechat'));
    expect(await complaintOf(number)).toMatchObject({ status: 'closed', rating: 5 });
  });

  it('sends an appeal to the supervision chat, not to the department group', async () => {
    const c = new WechatCustomer(bot, '高峰');
    const number = await c.file('维修师傅迟到了三个小时。');
    await cardMessageId(h, (await complaintOf(number)).id);
    const ask = await c.say(`/appeal ${number}`);
    expect(ask).toMatch(/申诉将交给监督部门，而不是原处理部门/);
    const done = await c.say('客服只说会处理，三天了没有任何人联系我。');
    expect(done).toBe(`您对投诉 ${number} 的申诉已记录，并已转交监督部门。`);
    const appeal = await feishuText(h, '三天了没有任何人联系我');
    expect(appeal.chatId).toBe('oc_supervision_group');
    expect(appeal.text).toMatch(new RegExp(`^【申诉】客户 高峰 对投诉 ${number}（客服部，当前状态：待受理）的处理提出申诉`));
    await outboxSettled(h);
    const inDepartment = h.feishu.messagesIn('oc_cs_group', { includeThreadReplies: true }).filter((m) => (m.text ?? m.content).includes('三天了没有任何人联系我'));
    expect(inDepartment).toEqual([]);
    expect(await eventTypes(number)).toContain('appeal');
  });

  it('switches the language with /lang by number; the next texts are in the chosen language', async () => {
    const c = new WechatCustomer(bot, '魏然');
    expect(await c.say('/help')).toMatch(/^您好，这里是/);
    const ask = await c.say('/lang');
    expect(ask).toBe(`请选择语言 / Choose your language:\n\n1. 中文\n2. English\n${t('zh', 'wechat.replyWithNumber', { max: 2 })}`);
    expect(await wechatButtons(h, c.id)).toEqual([
      { label: '中文', data: 'lang:zh' },
      { label: 'English', data: 'lang:en' },
    ]);
    expect(await c.say(optionNumber(ask, 'English'))).toBe('OK, I will speak English with you from now on.');
    expect(await c.say('/help')).toMatch(/^Hello, this is the complaint service/);
    const askEn = await c.say('语言');
    expect(askEn).toContain(t('en', 'wechat.replyWithNumber', { max: 2 }));
    expect(await c.choose(askEn, '中文')).toBe('好的，以后我会用中文与您交流。');
    expect(await c.say('/help')).toMatch(/^您好，这里是/);
    const customer = await db().customer.findUniqueOrThrow({ where: { platform_platformUserId: { platform: 'wechat', platformUserId: c.id } } });
    expect(customer.language).toBe('zh');
  });
});
