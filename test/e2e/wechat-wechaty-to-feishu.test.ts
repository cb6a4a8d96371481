/**
 * End to end over Wechaty: a customer on WeChat (wechaty-puppet-mock, chosen with WECHATY_PUPPET like any
 * puppet) files a complaint by answering numbered questions, the department's Feishu group gets the card,
 * staff accept from the card and the customer hears about it on WeChat. Real Wechaty, the real Feishu SDK
 * against its emulator; PGlite, and PostgreSQL when TEST_DATABASE_URL is set.
 */
import { describe, expect, it } from 'vitest';
import { harnessKinds, type Harness } from '../support/harness.ts';
import { click } from './staff-helpers.ts';
import { fileOverWechat, Inbox, useWechatyHarness, type WechatyBot } from './wechat-helpers.ts';

const kinds = harnessKinds();

describe.each(kinds)('WeChat (Wechaty) → Feishu → WeChat on $name', (kind) => {
  let bot: WechatyBot;
  let h: Harness;
  useWechatyHarness(kind, (started) => {
    bot = started;
    h = started.h;
  });

  it('files a complaint over WeChat by numbered replies; the card reaches the department group; accepting tells the customer on WeChat', async () => {
    const customer = bot.mocker.createContact({ name: '张三' });
    const inbox = new Inbox(customer, bot.botUser.id);
    const number = await fileOverWechat(bot, customer, inbox, '快递员态度恶劣，把包裹扔在门口就走了。');

    const sent = await h.feishu.waitForCall((c) => c.method === 'POST' && c.path === '/open-apis/im/v1/messages' && JSON.stringify(c.body).includes(number), 5000);
    const messageId = (sent.response as { data: { message_id: string } }).data.message_id;
    const card = h.feishu.message(messageId);
    expect(card.chatId).toBe('oc_cs_group');
    const cardText = JSON.stringify(card.card);
    for (const part of [number, '服务态度', '快递员态度恶劣，把包裹扔在门口就走了。', '张三', '138****5678', '微信']) expect(cardText).toContain(part);
    expect(cardText).not.toContain('13812345678');
    const complaint = await h.bot.ctx.db.complaint.findUniqueOrThrow({ where: { number }, include: { customer: true } });
    expect(complaint).toMatchObject({ channel: 'wechat', customer: { platform: 'wechat', platformUserId: customer.id, displayName: '张三' } });

    const answer = await click(h, messageId, 'ou_cs_agent_1', 'accept');
    expect(answer.toast?.type).toBe('success');
    const told = await inbox.next();
    expect(told).toContain(number);
    expect(told).toContain('客服部');
  });

  it("ignores the bot's own messages and group chats", async () => {
    const { mocker, botUser } = bot;
    const customer = mocker.createContact({ name: '李四' });
    const inbox = new Inbox(customer, botUser.id);
    const room = mocker.createRoom({ topic: '闲聊群', memberIdList: [botUser.id, customer.id] });
    customer.say('投诉').to(room);
    botUser.say('投诉').to(customer); // the bot's account writing from another device: msg.self()
    expect(await inbox.next()).toBe('投诉');
    customer.say('/start').to(botUser);
    expect(await inbox.next()).toContain(h.bot.ctx.config.company.name);
    const rows = await h.bot.ctx.db.outboxMessage.findMany({ where: { channel: 'wechat', target: customer.id } });
    expect(rows).toHaveLength(1); // only the answer to /start: neither the room message nor the bot's own produced one
    expect(await h.bot.ctx.db.customer.count({ where: { platform: 'wechat', platformUserId: { in: [botUser.id, room.id] } } })).toBe(0);
  });
});
