/**
 * Bad input end to end on the Telegram emulator, table-driven: each kind gets a clear answer and the
 * half-filed complaint stays as it was; a stale button is answered; a flood gets one notice, then
 * silence until the minute ends. The bot runs on a fixed clock so the flood stays inside one minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, User } from 'grammy/types';
import { startHarness, type Harness } from '../support/harness.ts';
import { CustomerChat, harnessKinds } from './customer-e2e.ts';

interface Case {
  name: string;
  send(h: Harness, user: User): void;
  reply: RegExp;
}

let injected = 50_000;
/** A message the emulator has no helper for (sticker, voice, location, an edit), pushed as a raw update. */
function inject(h: Harness, user: User, content: Record<string, unknown>, edited = false): void {
  const message = { message_id: ++injected, date: Math.floor(Date.now() / 1000), chat: { id: user.id, type: 'private', first_name: user.first_name }, from: user, ...content };
  h.telegram.injectUpdate((edited ? { edited_message: { ...message, edit_date: message.date } } : { message }) as never);
}

const CASES: Case[] = [
  { name: 'a sticker', send: (h, u) => inject(h, u, { sticker: { file_id: 'st', file_unique_id: 'st', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false } }), reply: /^Stickers, voice messages, locations and the like cannot be handled here\. Please send text, photos or files\.\n/ },
  { name: 'a voice message', send: (h, u) => inject(h, u, { voice: { file_id: 'vo', file_unique_id: 'vo', duration: 4 } }), reply: /^Stickers, voice messages/ },
  { name: 'a location', send: (h, u) => inject(h, u, { location: { latitude: 31.23, longitude: 121.47 } }), reply: /^Stickers, voice messages/ },
  { name: 'an edited message', send: (h, u) => inject(h, u, { text: 'The kettle (fixed)' }, true), reply: /^I only read new messages, not edits/ },
  { name: 'a text over 2,000 characters', send: (h, u) => h.telegram.sendText(u, '字'.repeat(2001)), reply: /^That is too long \(2001 characters\); please keep it under 2000\.\n/ },
  { name: 'control characters', send: (h, u) => h.telegram.sendText(u, '\u0001\u0002\u0003\u0004\u0005'), reply: /^I could not read that message/ },
  { name: 'mojibake', send: (h, u) => h.telegram.sendText(u, '\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD'), reply: /^I could not read that message/ },
  { name: 'an unknown command', send: (h, u) => h.telegram.sendText(u, '/frobnicate'), reply: /^Unknown command \/frobnicate/ },
  { name: 'a photo without text', send: (h, u) => h.telegram.sendPhoto(u), reply: /^Photo\/file kept \(1 in all\).*still needs a text answer/ },
];

describe.each(harnessKinds())('customer bad input on Telegram ($name)', (kind) => {
  let h: Harness;
  let cleanup: () => Promise<void>;
  let clock = new Date('2026-11-23T02:00:10Z');
  beforeAll(async () => {
    const setup = await kind.setup();
    cleanup = setup.cleanup;
    h = await startHarness({ databaseUrl: setup.databaseUrl, now: () => new Date(clock) });
  });
  afterAll(async () => {
    await h?.stop();
    await cleanup?.();
  });

  async function draftOf(user: User) {
    const conv = await h.bot.ctx.db.conversation.findFirstOrThrow({ where: { userId: String(user.id) } });
    const { attachments: _kept, ...data } = conv.data as Record<string, unknown>;
    return { step: conv.step, data };
  }

  it.each(CASES)('$name, in the middle of filing: a clear answer, the draft kept', async ({ send, reply }) => {
    const c = new CustomerChat(h);
    const ask = await c.say('/complain');
    await c.click(ask, 'cat:quality');
    await c.say('The kettle');
    const before = await draftOf(c.user);
    send(h, c.user);
    const answer = await c.next();
    expect(answer.text).toMatch(reply);
    expect(answer.text).toMatch(/\n\nPlease describe what happened \(when, where, how\), at most \d+ characters:$/); // ends with the pending step
    expect(await draftOf(c.user)).toEqual(before);
    const goOn = await c.say('It leaks from the bottom after two days.');
    expect(goOn.text).toMatch(/When did it happen/);
  });

  it('answers a button from an old message, in Chinese for a Chinese customer', async () => {
    const c = new CustomerChat(h, { language_code: 'zh-hans' });
    const ask: Message = await c.say('/complain');
    await c.say('/cancel');
    const stale = await c.click(ask, 'cat:service');
    expect(stale.text).toBe('这个按钮已失效，请按最新的提示操作。');
    expect(await h.bot.ctx.db.conversation.count({ where: { userId: String(c.user.id) } })).toBe(0);
  });

  it('answers a repeated identical message once: thirty "hello"s get one hint', async () => {
    clock = new Date('2026-11-23T02:05:10Z');
    const c = new CustomerChat(h);
    const handled = () => h.bot.ctx.db.inboundEvent.count({ where: { platform: 'telegram' } });
    const first = await c.say('hello');
    expect(first.text).toMatch(/To file a complaint/);
    const seen = await handled();
    for (let i = 0; i < 20; i++) h.telegram.sendText(c.user, 'hello');
    for (let tries = 0; (await handled()) < seen + 20; tries++) {
      if (tries > 400) throw new Error('the bot did not take the twenty messages');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const next = await c.say('/my');
    expect(next.text).toMatch(/no complaints yet/); // nothing was answered in between
    clock = new Date('2026-11-23T02:00:10Z');
  });

  it('slows a flood: one notice past the limit, silence for the rest of the minute, then normal again', async () => {
    const c = new CustomerChat(h);
    const limit = h.bot.ctx.config.customerLimits.messagesPerMinute;
    for (let i = 0; i < limit; i++) await c.say(`/help ${i}`);
    const notice = await c.say('/help');
    expect(notice.text).toBe('You are sending messages very quickly, so I am pausing for a moment. Please send again after 10:01.'); // no draft: none is claimed
    const handled = () => h.bot.ctx.db.inboundEvent.count({ where: { platform: 'telegram' } });
    const seen = await handled();
    for (let i = 0; i < 5; i++) h.telegram.sendText(c.user, `/help ${i}`);
    // Wait until the bot has taken all five (each is recorded as handled), still inside the minute.
    for (let tries = 0; (await handled()) < seen + 5; tries++) {
      if (tries > 200) throw new Error('the bot did not take the five messages');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    clock = new Date('2026-11-23T02:01:00Z');
    const back = await c.say('/my');
    expect(back.text).toMatch(/no complaints yet/); // the five ignored messages got no answer before this one
  });
});
