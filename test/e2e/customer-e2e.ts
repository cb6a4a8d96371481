/** Helpers for the customer end-to-end tests: the real bot against the Telegram and Feishu emulators. */
import type { Message, User } from 'grammy/types';
import type { FeishuMessage } from '../../src/sandbox/emulators/feishu/index.ts';
import type { NewUserOptions } from '../../src/sandbox/emulators/telegram/index.ts';
import type { Harness } from '../support/harness.ts';

export { harnessKinds, type HarnessKind } from '../support/harness.ts';

export function buttonsOf(message: Message | undefined): string[] {
  return message?.reply_markup?.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data! : '')) ?? [];
}

/** One customer talking to the bot on Telegram; every call waits for the bot's next message in the chat. */
export class CustomerChat {
  readonly user: User;
  constructor(
    readonly h: Harness,
    opts: NewUserOptions = {},
  ) {
    this.user = h.telegram.createUser({ language_code: 'en', ...opts });
  }

  async next(timeoutMs = 5000): Promise<Message> {
    const call = await this.h.telegram.nextBotCall('sendMessage', { chatId: this.user.id, timeoutMs });
    if (call.error) throw new Error(`sendMessage failed: ${call.error.description}`);
    return call.result as Message;
  }

  async say(text: string): Promise<Message> {
    this.h.telegram.sendText(this.user, text);
    return this.next();
  }

  async click(message: Message, data: string, opts: { force?: boolean } = {}): Promise<Message> {
    this.h.telegram.clickButton(this.user, message, data, opts);
    return this.next();
  }

  async photo(caption?: string): Promise<Message> {
    this.h.telegram.sendPhoto(this.user, caption ? { caption } : {});
    return this.next();
  }

  async document(fileName: string, caption?: string): Promise<Message> {
    this.h.telegram.sendDocument(this.user, { file_name: fileName, ...(caption ? { caption } : {}) });
    return this.next();
  }

  /** Files a complaint through every step; returns its number. */
  /** `beforeConfirm` runs just before the final "confirm" click (the card-latency bench starts its clock there). */
  async file(opts: { category?: string; description?: string; beforeConfirm?: () => void } = {}): Promise<string> {
    const ask = await this.say('/complain');
    const category = opts.category ?? 'service';
    let m = await this.click(ask, `cat:${category}`);
    m = await this.say('Your shop on Nanjing Road');
    m = await this.say(opts.description ?? 'The cashier was rude to me.');
    m = await this.click(m, 'when:today');
    m = await this.say('An apology');
    m = await this.click(m, 'skip'); // phone
    if (category === 'delivery') m = await this.say('8 Century Avenue');
    m = await this.click(m, 'skip'); // reply time
    m = await this.click(m, 'done'); // photos
    opts.beforeConfirm?.();
    const registered = await this.click(m, 'confirm');
    const number = /[A-Z]+-\d{8}-\d{4}/.exec(registered.text ?? '')?.[0];
    if (!number) throw new Error(`not registered: ${registered.text}`);
    return number;
  }
}

/** Waits until the bot has posted a Feishu text (or thread reply) containing `snippet`, and returns it. */
export async function feishuText(h: Harness, snippet: string, timeoutMs = 5000): Promise<FeishuMessage> {
  const call = await h.feishu.waitForCall(
    (c) => c.method === 'POST' && c.path.startsWith('/open-apis/im/v1/messages') && c.status === 200 && String((c.body as { content?: unknown } | undefined)?.content ?? '').includes(snippet),
    timeoutMs,
  );
  return h.feishu.message((call.response as { data: { message_id: string } }).data.message_id);
}

/** The card the bot posted for a complaint number. */
export async function cardOf(h: Harness, number: string, timeoutMs = 5000): Promise<FeishuMessage> {
  const call = await h.feishu.waitForCall((c) => c.method === 'POST' && c.path === '/open-apis/im/v1/messages' && JSON.stringify(c.body).includes(number) && JSON.stringify(c.body).includes('interactive'), timeoutMs);
  return h.feishu.message((call.response as { data: { message_id: string } }).data.message_id);
}
