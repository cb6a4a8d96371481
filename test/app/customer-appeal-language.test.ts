/**
 * Appeals (申诉) go to the supervision chat, never back to the handling department; the customer's
 * language comes from their choice (/lang), else their app's language, else the config's default.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { acceptAndResolve, buttonData, fileThroughFlow, lastText, say, sent } from './customer-conversation.ts';
import { useTestContext, type TestAppContext } from '../support/use-test-context.ts';

describe.each(testDatabases())('customer appeal and language on $name', (kind) => {
  let ctx: TestAppContext;
  useTestContext(kind, (c) => (ctx = c), { resetClockTo: new Date('2026-11-23T02:00:00Z') });

  async function feishuTexts(complaintId: number) {
    const rows = await ctx.db.outboxMessage.findMany({ where: { complaintId, channel: 'feishu', kind: 'text' }, orderBy: { id: 'asc' } });
    return rows.map((r) => ({ target: r.target, text: (r.payload as { text: string }).text }));
  }

  it('sends an appeal with its reason and photos to the supervision chat, not to the department', async () => {
    const u = '5001';
    const c = await fileThroughFlow(ctx, u);
    await acceptAndResolve(ctx, c.id);
    await say(ctx, u, { button: `rate:${c.id}:4` });
    await say(ctx, u, { button: 'skip' });
    await say(ctx, u, '申诉');
    expect(await lastText(ctx, u)).toMatch(new RegExp(`not satisfied with how ${c.number} was handled[\\s\\S]*supervision office`));
    await say(ctx, u, { attachments: [{ kind: 'photo', fileId: 'proof' }], hasMedia: true });
    expect(await lastText(ctx, u)).toMatch(/please also write the reason/);
    await say(ctx, u, 'The agent promised a refund on the phone but the resolution says nothing about it.');
    expect(await lastText(ctx, u)).toBe(`Your appeal about ${c.number} is recorded and has been passed to the supervision office.`);

    const texts = await feishuTexts(c.id);
    expect(texts).toEqual([
      {
        target: 'oc_supervision_group',
        text: `【申诉】客户 Customer 5001 对投诉 ${c.number}（客服部，当前状态：已关闭）的处理提出申诉：\nThe agent promised a refund on the phone but the resolution says nothing about it.\n（附 1 个照片/文件）`,
      },
    ]);
    const event = await ctx.db.complaintEvent.findFirstOrThrow({ where: { complaintId: c.id, type: 'appeal' } });
    expect(event).toMatchObject({ actor: 'telegram:5001', data: { reason: expect.stringContaining('promised a refund'), attachments: 1, sentTo: 'oc_supervision_group' } });
    expect((await ctx.db.attachment.findMany({ where: { complaintId: c.id } })).map((a) => a.fileId)).toEqual(['proof']);
    expect(await ctx.db.conversation.count({ where: { userId: u } })).toBe(0);
  });

  it('takes the reason inline, refuses someone else\'s complaint, and can be cancelled', async () => {
    const u = '5002';
    const c = await fileThroughFlow(ctx, u);
    await say(ctx, u, `/appeal ${c.number} Nobody has contacted me for days.`);
    expect(await lastText(ctx, u)).toMatch(/appeal about .* is recorded/);
    const other = await fileThroughFlow(ctx, '5003');
    await say(ctx, u, `/appeal ${other.number} not mine`);
    expect(await lastText(ctx, u)).toMatch(new RegExp(`No complaint ${other.number} was found`));
    expect(await ctx.db.complaintEvent.count({ where: { complaintId: other.id, type: 'appeal' } })).toBe(0);
    await say(ctx, u, { button: `ap:${c.id}` });
    await say(ctx, u, '/cancel');
    expect(await lastText(ctx, u)).toBe('OK, no appeal was made.');
    expect(await ctx.db.complaintEvent.count({ where: { complaintId: c.id, type: 'appeal' } })).toBe(1);
  });

  it('falls back to the managers\' chat when no supervision chat is configured', async () => {
    const u = '5004';
    const c = await fileThroughFlow(ctx, u);
    const noSupervision = { ...ctx, config: { ...ctx.config, supervisionChatId: undefined } };
    await say(noSupervision, u, `/appeal ${c.number} Too slow.`);
    expect((await feishuTexts(c.id)).map((x) => x.target)).toEqual(['oc_managers_group']);
  });

  it('speaks the language of the customer\'s app, follows it until the customer chooses, then keeps the choice', async () => {
    await say(ctx, '5005', { text: '/help', languageCode: 'zh-hans' });
    expect(await lastText(ctx, '5005')).toMatch(/^您好/);
    await say(ctx, '5006', { text: '/help', languageCode: 'fr' }); // no catalogue: the config's default (zh)
    expect(await lastText(ctx, '5006')).toMatch(/^您好/);
    await say(ctx, '5005', { text: '/help', languageCode: 'en-GB' }); // the app's language changed
    expect(await lastText(ctx, '5005')).toMatch(/^Hello/);

    await say(ctx, '5005', { text: '语言', languageCode: 'en-GB' });
    const ask = (await sent(ctx, '5005'))[0]!;
    expect(buttonData(ask)).toEqual(['lang:zh', 'lang:en']);
    await say(ctx, '5005', { button: 'lang:zh', languageCode: 'en-GB' });
    expect(await lastText(ctx, '5005')).toBe('好的，以后我会用中文与您交流。');
    await say(ctx, '5005', { text: '/help', languageCode: 'en-GB' });
    expect(await lastText(ctx, '5005')).toMatch(/^您好/);
    expect(await ctx.db.customer.findFirstOrThrow({ where: { platformUserId: '5005' } })).toMatchObject({ language: 'zh', languageChosen: true });

    // Messages sent later, outside a conversation (here the rating request), use the chosen language too.
    const c = await fileThroughFlow(ctx, '5005', { languageCode: 'en-GB' });
    await acceptAndResolve(ctx, c.id);
    expect(await lastText(ctx, '5005')).toMatch(/^请为投诉 .* 的处理打分/);
  });
});
