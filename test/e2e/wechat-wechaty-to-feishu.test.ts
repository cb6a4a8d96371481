/**
 * End to end over Wechaty: a customer on WeChat (wechaty-puppet-mock, chosen with WECHATY_PUPPET like any
 * puppet) files a complaint by answering numbered questions, the department's Feishu group gets the card,
 * staff accept from the card and the customer hears about it on WeChat. Real Wechaty, the real Feishu SDK
 * against its emulator; PGlite, and PostgreSQL when TEST_DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PuppetMock, mock } from 'wechaty-puppet-mock';
import { harnessKinds, startHarness, type Harness } from '../support/harness.ts';
import type { WechatyTransport } from '../../adapters/wechat/wechaty-transport.ts';
import type { TextButton } from '../../src/app/outbox.ts';
import { t } from '../../src/i18n/index.ts';

const kinds = harnessKinds();

/** What one WeChat contact receives from the bot, in order. */
class Inbox {
  private texts: string[] = [];
  private cursor = 0;
  private waiter: (() => void) | undefined;
  constructor(contact: mock.ContactMock, botId: string) {
    // ContactMock is an EventEmitter; its typed-emitter typings do not resolve here.
    (contact as unknown as NodeJS.EventEmitter).on('message', (m: mock.MessageMock) => {
      if (m.payload.talkerId !== botId) return;
      this.texts.push(m.payload.text ?? '');
      this.waiter?.();
    });
  }
  async next(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.cursor >= this.texts.length) {
      if (Date.now() > deadline) throw new Error(`no WeChat message within ${timeoutMs} ms; received: ${JSON.stringify(this.texts)}`);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.texts[this.cursor++]!;
  }
}

function findElement(node: unknown, id: string): { behaviors: { value: Record<string, unknown> }[] } | undefined {
  if (!node || typeof node !== 'object') return undefined;
  if ((node as { element_id?: string }).element_id === id) return node as never;
  for (const child of Object.values(node)) {
    const hit = findElement(child, id);
    if (hit) return hit;
  }
  return undefined;
}

describe.each(kinds)('WeChat (Wechaty) → Feishu → WeChat on $name', (kind) => {
  let h: Harness;
  let cleanup: () => Promise<void>;
  let mocker: mock.Mocker;
  let botUser: mock.ContactMock;

  beforeAll(async () => {
    const setup = await kind.setup();
    cleanup = setup.cleanup;
    h = await startHarness({ databaseUrl: setup.databaseUrl, env: { WECHATY_PUPPET: 'wechaty-puppet-mock' } });
    const transport = h.bot.wechat!.transport as WechatyTransport;
    await transport.started;
    mocker = (transport.wechaty.puppet as PuppetMock).mocker;
    // The mock puppet never emits `ready`: wait for `login` (PLATFORMS.md).
    const loggedIn = new Promise((resolve) => transport.wechaty.once('login', resolve));
    botUser = mocker.createContact({ name: '投诉助手' });
    mocker.login(botUser);
    await loggedIn;
  });
  afterAll(async () => {
    await h?.stop();
    await cleanup?.();
  });

  async function buttonsOf(contactId: string): Promise<TextButton[]> {
    const c = await h.bot.ctx.db.customer.findUnique({ where: { platform_platformUserId: { platform: 'wechat', platformUserId: contactId } } });
    return (c?.lastButtons as TextButton[] | null) ?? [];
  }

  /** Answers the filing questions the way a customer would on WeChat: by number where there are options. */
  async function fileComplaint(customer: mock.ContactMock, inbox: Inbox, description: string): Promise<string> {
    customer.say('投诉').to(botUser);
    const first = await inbox.next();
    expect(first).toContain(t('zh', 'customer.askCategory'));
    expect(first).toMatch(/\n1\. 产品质量\n2\. 服务态度\n/);
    expect(first).toContain(t('zh', 'wechat.replyWithNumber', { max: h.bot.ctx.config.categories.length }));
    let text = first;
    for (let turn = 0; turn < 20; turn++) {
      const number = /TS-\d{8}-\d{4}/.exec(text)?.[0];
      if (number) return number;
      const buttons = await buttonsOf(customer.id);
      const choice = (data: string) => buttons.findIndex((b) => b.data === data) + 1;
      let answer: string;
      if (choice('cat:service')) answer = String(choice('cat:service'));
      else if (text.includes(t('zh', 'customer.askPhone'))) answer = '13812345678';
      else if (choice('confirm')) answer = String(choice('confirm'));
      else if (choice('done')) answer = String(choice('done'));
      else if (choice('skip')) answer = String(choice('skip'));
      else answer = description;
      customer.say(answer).to(botUser);
      text = await inbox.next();
    }
    throw new Error(`no complaint number after 20 turns; last message: ${text}`);
  }

  it('files a complaint over WeChat by numbered replies; the card reaches the department group; accepting tells the customer on WeChat', async () => {
    const customer = mocker.createContact({ name: '张三' });
    const inbox = new Inbox(customer, botUser.id);
    const number = await fileComplaint(customer, inbox, '快递员态度恶劣，把包裹扔在门口就走了。');

    const sent = await h.feishu.waitForCall((c) => c.method === 'POST' && c.path === '/open-apis/im/v1/messages' && JSON.stringify(c.body).includes(number), 5000);
    const messageId = (sent.response as { data: { message_id: string } }).data.message_id;
    const card = h.feishu.message(messageId);
    expect(card.chatId).toBe('oc_cs_group');
    const cardText = JSON.stringify(card.card);
    for (const part of [number, '服务态度', '快递员态度恶劣，把包裹扔在门口就走了。', '张三', '138****5678', '微信']) expect(cardText).toContain(part);
    expect(cardText).not.toContain('13812345678');
    const complaint = await h.bot.ctx.db.complaint.findUniqueOrThrow({ where: { number }, include: { customer: true } });
    expect(complaint).toMatchObject({ channel: 'wechat', customer: { platform: 'wechat', platformUserId: customer.id, displayName: '张三' } });

    const accept = findElement(card.card, 'accept')!.behaviors[0]!.value;
    const answer = await h.feishu.clickButton({ messageId, operator: { open_id: 'ou_cs_agent_1' }, value: accept as never });
    expect(answer.toast?.type).toBe('success');
    const told = await inbox.next();
    expect(told).toContain(number);
    expect(told).toContain('客服部');
  });

  it("ignores the bot's own messages and group chats", async () => {
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
