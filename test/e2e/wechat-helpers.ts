/**
 * What the WeChat (Wechaty) end-to-end tests share: the bot started with `wechaty-puppet-mock` and logged
 * in, what one WeChat contact receives from the bot, answering a numbered list the way a customer does,
 * and filing a complaint through the whole dialogue.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { PuppetMock, mock } from 'wechaty-puppet-mock';
import { startHarness, type Harness, type HarnessKind } from '../support/harness.ts';
import type { WechatyTransport } from '../../adapters/wechat/wechaty-transport.ts';
import type { TextButton } from '../../src/app/shared/outbox.ts';
import { t } from '../../src/i18n/index.ts';

/** What one WeChat contact receives from the bot, in order. */
export class Inbox {
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

export interface WechatyBot {
  h: Harness;
  mocker: mock.Mocker;
  /** The WeChat account the bot runs as. */
  botUser: mock.ContactMock;
}

/** Starts the bot with WECHATY_PUPPET=wechaty-puppet-mock on `kind` and logs its account in; stops and drops it after. */
export function useWechatyHarness(kind: HarnessKind, set: (bot: WechatyBot) => void): void {
  let h: Harness | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const setup = await kind.setup();
    cleanup = setup.cleanup;
    h = await startHarness({ databaseUrl: setup.databaseUrl, env: { WECHATY_PUPPET: 'wechaty-puppet-mock' } });
    const transport = h.bot.wechat!.transport as WechatyTransport;
    await transport.started;
    const mocker = (transport.wechaty.puppet as PuppetMock).mocker;
    // The mock puppet never emits `ready`: wait for `login` (docs/platforms.md).
    const loggedIn = new Promise((resolve) => transport.wechaty.once('login', resolve));
    const botUser = mocker.createContact({ name: '投诉助手' });
    mocker.login(botUser);
    await loggedIn;
    set({ h, mocker, botUser });
  });
  afterAll(async () => {
    await h?.stop();
    await cleanup?.();
  });
}

/** The buttons of the last list the bot sent the contact, as kept in the database. */
export async function wechatButtons(h: Harness, contactId: string): Promise<TextButton[]> {
  const c = await h.bot.ctx.db.customer.findUnique({ where: { platform_platformUserId: { platform: 'wechat', platformUserId: contactId } } });
  return (c?.lastButtons as TextButton[] | null) ?? [];
}

/** The number of `label` in the numbered list of a message the customer received ("2. English" → "2"). */
export function optionNumber(text: string, label: string): string {
  for (const line of text.split('\n')) {
    const m = /^(\d+)\. (.*)$/.exec(line);
    if (m && m[2] === label) return m[1]!;
  }
  throw new Error(`no option "${label}" in: ${text}`);
}

/** Answers the filing questions the way a customer would on WeChat: by number where there are options. */
export async function fileOverWechat(
  bot: WechatyBot,
  customer: mock.ContactMock,
  inbox: Inbox,
  description: string,
  opts: { category?: string; phone?: string } = {},
): Promise<string> {
  const { h, botUser } = bot;
  customer.say('投诉').to(botUser);
  const first = await inbox.next();
  expect(first).toContain(t('zh', 'customer.askCategory'));
  expect(first).toMatch(/\n1\. 产品质量\n2\. 服务态度\n/);
  expect(first).toContain(t('zh', 'wechat.replyWithNumber', { max: h.bot.ctx.config.categories.length }));
  let text = first;
  for (let turn = 0; turn < 20; turn++) {
    const number = /TS-\d{8}-\d{4}/.exec(text)?.[0];
    if (number) return number;
    const buttons = await wechatButtons(h, customer.id);
    const choice = (data: string) => buttons.findIndex((b) => b.data === data) + 1;
    let answer: string;
    if (choice(`cat:${opts.category ?? 'service'}`)) answer = String(choice(`cat:${opts.category ?? 'service'}`));
    else if (text.includes(t('zh', 'customer.askPhone', {}, 'wechat'))) answer = opts.phone ?? '13812345678';
    else if (choice('confirm')) answer = String(choice('confirm'));
    else if (choice('done')) answer = String(choice('done'));
    else if (choice('skip')) answer = String(choice('skip'));
    else answer = description;
    customer.say(answer).to(botUser);
    text = await inbox.next();
  }
  throw new Error(`no complaint number after 20 turns; last message: ${text}`);
}

/** One customer on WeChat: says something to the bot and reads what comes back, in order. */
export class WechatCustomer {
  readonly contact: mock.ContactMock;
  readonly inbox: Inbox;
  constructor(
    private readonly bot: WechatyBot,
    name: string,
  ) {
    this.contact = bot.mocker.createContact({ name });
    this.inbox = new Inbox(this.contact, bot.botUser.id);
  }
  get id(): string {
    return this.contact.id;
  }
  next(timeoutMs?: number): Promise<string> {
    return this.inbox.next(timeoutMs);
  }
  /** Sends a text and returns the bot's next message. */
  say(text: string): Promise<string> {
    this.contact.say(text).to(this.bot.botUser);
    return this.inbox.next();
  }
  /** Answers a numbered list with the number of the option labelled `label`. */
  choose(message: string, label: string): Promise<string> {
    return this.say(optionNumber(message, label));
  }
  file(description: string, opts: { category?: string; phone?: string } = {}): Promise<string> {
    return fileOverWechat(this.bot, this.contact, this.inbox, description, opts);
  }
}
