/**
 * Bad input and abuse on a real database: every kind of bad input gets a clear answer in the customer's
 * language and changes nothing stored (a draft in progress stays as it was); floods are slowed, counted
 * in the database so that two instances of the bot share the count.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { testContext } from '../support/context.ts';
import type { Database } from '../../src/store/database.ts';
import type { CustomerInbound } from '../../src/app/shared/inbound.ts';
import { lastText, outboxCount, say } from './customer-conversation.ts';

interface Case {
  name: string;
  input: Partial<CustomerInbound>;
  /** the answer outside any conversation */
  idle: RegExp;
  /** the answer at the "what happened" step of filing (the draft must stay as it was) */
  filing: RegExp;
}

const STICKER: Partial<CustomerInbound> = { unsupportedMedia: 'sticker', hasMedia: true };
const CASES: Case[] = [
  { name: 'empty text', input: { text: '' }, idle: /text is empty/, filing: /text is empty/ },
  { name: 'only spaces and newlines', input: { text: '  \n\t ' }, idle: /text is empty/, filing: /text is empty/ },
  { name: 'over 2,000 characters', input: { text: '很'.repeat(2001) }, idle: /too long \(2001 characters\); please keep it under 2000/, filing: /too long \(2001/ },
  { name: 'binary garbage', input: { text: '\u0000\u0001\u0002\u0003\u0004\u0005' }, idle: /could not read that message/, filing: /could not read that message/ },
  { name: 'mojibake (replacement characters)', input: { text: '\uFFFD\uFFFD\uFFFD\uFFFD ok' }, idle: /could not read that message/, filing: /could not read that message/ },
  { name: 'a sticker', input: STICKER, idle: /Stickers, voice messages, locations[\s\S]*text, photos or files/, filing: /Stickers, voice messages/ },
  { name: 'a voice message', input: { unsupportedMedia: 'voice', hasMedia: true }, idle: /Stickers, voice messages/, filing: /Stickers, voice messages/ },
  { name: 'a location', input: { unsupportedMedia: 'location', hasMedia: true }, idle: /Stickers, voice messages/, filing: /Stickers, voice messages/ },
  { name: 'an unknown command', input: { text: '/frobnicate now' }, idle: /Unknown command \/frobnicate/, filing: /Unknown command \/frobnicate/ },
  { name: 'a stale button', input: { button: 'confirm' }, idle: /no longer active/, filing: /no longer active/ },
  { name: 'a forged button', input: { button: 'wd:999999' }, idle: /no longer active/, filing: /no longer active/ },
  { name: 'an edited message', input: { text: 'corrected text', edited: true }, idle: /only read new messages/, filing: /only read new messages/ },
  { name: 'a photo without text', input: { attachments: [{ kind: 'photo', fileId: 'p' }], hasMedia: true }, idle: /file a complaint with this photo/, filing: /Photo\/file kept.*still needs a text answer/ },
];

describe.each(testDatabases())('customer bad input on $name', (kind) => {
  let database: Database;
  let ctx: Awaited<ReturnType<typeof testContext>>;
  const monday10am = new Date('2026-11-23T02:00:00Z');
  beforeAll(async () => {
    database = await kind.open();
    ctx = await testContext(database);
  });
  afterAll(async () => database?.close());
  afterEach(() => {
    ctx.clock.current = monday10am;
  });

  it.each(CASES.map((c, i) => ({ ...c, user: `60${String(i).padStart(2, '0')}` })))('$name, with nothing in progress, gets a clear answer', async ({ input, idle, user }) => {
    await say(ctx, user, input);
    expect(await outboxCount(ctx, user)).toBe(1);
    expect(await lastText(ctx, user)).toMatch(idle);
    expect(await ctx.db.complaint.count({ where: { customer: { platformUserId: user } } })).toBe(0);
  });

  it.each(CASES.map((c, i) => ({ ...c, user: `61${String(i).padStart(2, '0')}` })))('$name, in the middle of filing, keeps the draft', async ({ input, filing, user }) => {
    await say(ctx, user, '/complain');
    await say(ctx, user, { button: 'cat:quality' });
    await say(ctx, user, 'The kettle');
    const before = await ctx.db.conversation.findFirstOrThrow({ where: { userId: user } });
    expect(before.step).toBe('description');
    await say(ctx, user, input);
    expect(await lastText(ctx, user)).toMatch(filing);
    expect(await lastText(ctx, user)).toMatch(/Please describe what happened \(when, where, how\), at most \d+ characters:$/); // the refusal ends with the step
    const after = await ctx.db.conversation.findFirstOrThrow({ where: { userId: user } });
    expect(after.step).toBe('description');
    const { attachments, ...rest } = after.data as Record<string, unknown>;
    expect(rest).toEqual(before.data);
    expect(attachments).toEqual(input.attachments); // only a photo is kept, for the complaint
  });

  it('in Chinese for a Chinese customer', async () => {
    await say(ctx, '6201', { ...STICKER, languageCode: 'zh-hans' });
    expect(await lastText(ctx, '6201')).toBe('暂不支持贴纸、语音、位置等内容。请发送文字、照片或文件。');
    await say(ctx, '6201', { text: '/xyz', languageCode: 'zh-hans' });
    expect(await lastText(ctx, '6201')).toMatch(/^不认识的指令 \/xyz/);
  });

  it('strips control characters and direction overrides from what is stored', async () => {
    const u = '6202';
    await say(ctx, u, '/complain');
    await say(ctx, u, { button: 'cat:quality' });
    await say(ctx, u, 'The\u0007 kettle\u202E model K2\u0000');
    const conv = await ctx.db.conversation.findFirstOrThrow({ where: { userId: u } });
    expect(conv.data).toMatchObject({ subject: 'The kettle model K2' });
  });

  it('slows a flood: one notice past the limit, then silence until the minute ends, counted across instances', async () => {
    const u = '6203';
    const other = await testContext(database, ctx.clock); // a second instance of the bot on the same database
    const limit = ctx.config.customerLimits.messagesPerMinute;
    await say(ctx, u, '/complain');
    await say(ctx, u, { button: 'cat:service' });
    for (let i = 2; i < limit; i++) await say(i % 2 ? other : ctx, u, `/help ${i}`);
    expect(await outboxCount(ctx, u)).toBe(limit);
    await say(other, u, 'The hotline');
    expect(await lastText(ctx, u)).toBe('You are sending messages very quickly, so I am pausing for a moment. Please send again after 10:01; everything you entered before is saved.');
    for (let i = 0; i < 5; i++) await say(i % 2 ? other : ctx, u, `/help again ${i}`);
    expect(await outboxCount(ctx, u)).toBe(limit + 1);
    const conv = await ctx.db.conversation.findFirstOrThrow({ where: { userId: u } });
    expect([conv.step, conv.data]).toEqual(['subject', { category: 'service', answered: ['category'] }]); // the draft is untouched
    ctx.clock.advance(60_000);
    await say(ctx, u, 'The hotline');
    expect(await lastText(ctx, u)).toMatch(/describe what happened/);
  });

  it('answers repeated identical messages once, and the flood notice claims no saved draft when there is none', async () => {
    const u = '6204';
    const limit = ctx.config.customerLimits.messagesPerMinute;
    for (let i = 0; i < limit; i++) await say(ctx, u, 'hello');
    expect(await outboxCount(ctx, u)).toBe(1); // one hint, not thirty
    await say(ctx, u, 'hello');
    expect(await outboxCount(ctx, u)).toBe(2);
    expect(await lastText(ctx, u)).toBe('You are sending messages very quickly, so I am pausing for a moment. Please send again after 10:01.');
    ctx.clock.advance(60_000);
    await say(ctx, u, 'hello');
    expect(await outboxCount(ctx, u)).toBe(3); // a new minute: answered again
  });

  it('the same text at a new step is a new answer (skip twice in a row)', async () => {
    const u = '6205';
    await fileThroughFlowUntilPhone(u);
    await say(ctx, u, 'skip'); // phone
    expect(await lastText(ctx, u)).toMatch(/reply time|reply by|When would you like/i);
    await say(ctx, u, 'skip'); // requested reply time
    expect(await lastText(ctx, u)).toMatch(/photos or files/);
  });

  async function fileThroughFlowUntilPhone(u: string) {
    await say(ctx, u, '/complain');
    await say(ctx, u, { button: 'cat:service' });
    await say(ctx, u, 'The hotline');
    await say(ctx, u, 'Nobody picked up for an hour.');
    await say(ctx, u, { button: 'when:today' });
    await say(ctx, u, 'Call me back');
  }
});
