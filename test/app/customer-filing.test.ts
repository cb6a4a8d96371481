/**
 * The customer's filing conversation on a real database: every field, photos and files as evidence,
 * /back and editing from the summary, the offer to file a long message, and the daily limit.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { testContext } from '../support/context.ts';
import type { Database } from '../../src/store/database.ts';
import { buttonData, fileThroughFlow, lastText, say, sent } from './customer-conversation.ts';

describe.each(testDatabases())('customer filing on $name', (kind) => {
  let database: Database;
  let ctx: Awaited<ReturnType<typeof testContext>>;
  beforeAll(async () => {
    database = await kind.open();
    ctx = await testContext(database);
  });
  afterAll(async () => database?.close());
  const monday10am = new Date('2026-11-23T02:00:00Z');
  afterEach(() => {
    ctx.clock.current = monday10am;
  });

  it('asks for every field, keeps photos and files, and registers them all with the complaint', async () => {
    const u = '2001';
    await say(ctx, u, '/complain');
    expect(buttonData((await sent(ctx, u))[0])).toEqual(expect.arrayContaining(['cat:quality', 'cat:delivery', 'cat:other']));
    await say(ctx, u, { button: 'cat:delivery' }); // this category needs an address
    expect(await lastText(ctx, u)).toMatch(/What or whom/);
    await say(ctx, u, 'Parcel service, order 88231');
    expect(await lastText(ctx, u)).toMatch(/describe what happened/);
    // A photo with a caption at a text step: the caption answers, the photo is kept.
    await say(ctx, u, { text: 'The parcel arrived crushed and wet.', attachments: [{ kind: 'photo', fileId: 'ph-1', mimeType: 'image/jpeg' }] });
    expect(await lastText(ctx, u)).toMatch(/When did it happen/);
    await say(ctx, u, 'last Friday around 6 pm');
    expect(await lastText(ctx, u)).toMatch(/What would you like us to do/);
    await say(ctx, u, 'Send a new one and refund the delivery fee');
    const askPhone = (await sent(ctx, u))[0]!;
    expect(askPhone.text).toMatch(/contact phone/i);
    await say(ctx, u, '+86 139-0000-1111');
    expect(await lastText(ctx, u)).toMatch(/address/);
    await say(ctx, u, 'Room 5, 18 Huaihai Road, Shanghai');
    const askReply = (await sent(ctx, u))[0]!;
    expect(buttonData(askReply)).toEqual(['reply:24h', 'reply:3d', 'skip']);
    await say(ctx, u, { button: 'reply:24h' });
    expect(await lastText(ctx, u)).toMatch(/photos or files.*1 received/s);
    await say(ctx, u, { attachments: [{ kind: 'photo', fileId: 'ph-2' }] });
    expect(await lastText(ctx, u)).toMatch(/Received 2/);
    await say(ctx, u, { attachments: [{ kind: 'file', fileId: 'doc-1', fileName: 'receipt.pdf', mimeType: 'application/pdf' }] });
    await say(ctx, u, 'Done'); // a typed button label works like the button
    const summary = (await sent(ctx, u))[0]!;
    for (const part of ['Delivery and delays', 'Parcel service, order 88231', 'crushed and wet', 'last Friday around 6 pm', 'refund the delivery fee', '13900001111', '18 Huaihai Road', '2026-11-24 10:00', 'Photos/files: 3'])
      expect(summary.text).toContain(part);
    expect(buttonData(summary)).toEqual(expect.arrayContaining(['confirm', 'cancel', 'edit:subject', 'edit:address', 'edit:attachments']));
    await say(ctx, u, { button: 'confirm' });

    const c = await ctx.db.complaint.findFirstOrThrow({ where: { customer: { platformUserId: u } }, include: { attachments: { orderBy: { id: 'asc' } }, events: true } });
    expect(c).toMatchObject({
      category: 'delivery',
      departmentId: 'ops',
      subject: 'Parcel service, order 88231',
      description: 'The parcel arrived crushed and wet.',
      occurredAt: 'last Friday around 6 pm',
      desiredOutcome: 'Send a new one and refund the delivery fee',
      contactPhone: '13900001111',
      address: 'Room 5, 18 Huaihai Road, Shanghai',
      requestedReplyBy: '2026-11-24 10:00',
    });
    expect(c.attachments.map((a) => [a.kind, a.fileId, a.fileName, a.platform])).toEqual([
      ['photo', 'ph-1', null, 'telegram'],
      ['photo', 'ph-2', null, 'telegram'],
      ['file', 'doc-1', 'receipt.pdf', 'telegram'],
    ]);
    expect(c.events[0]!.data).toMatchObject({ attachments: 3 });
    expect(await lastText(ctx, u)).toContain(c.number);
    expect(await ctx.db.conversation.count({ where: { userId: u } })).toBe(0);
  });

  it('after /back, the current answer can be kept with one button (or by typing "keep") and the flow moves on', async () => {
    const u = '2090';
    await say(ctx, u, '/complain');
    await say(ctx, u, { button: 'cat:service' });
    await say(ctx, u, 'The hotline');
    await say(ctx, u, '/back');
    const back = (await sent(ctx, u))[0]!;
    expect(back.text).toContain('Now: The hotline');
    expect(buttonData(back)).toContain('keep');
    await say(ctx, u, { button: 'keep' });
    expect(await lastText(ctx, u)).toMatch(/describe what happened/);
    await say(ctx, u, '/back');
    await say(ctx, u, 'keep');
    expect(await lastText(ctx, u)).toMatch(/describe what happened/);
    const conv = await ctx.db.conversation.findFirstOrThrow({ where: { userId: u } });
    expect(conv.data).toMatchObject({ subject: 'The hotline' });
  });

  it('goes back with /back and 返回, and changes any field from the summary without losing the others', async () => {
    const u = '2002';
    await say(ctx, u, '/complain');
    await say(ctx, u, { button: 'cat:service' });
    await say(ctx, u, 'The hotline');
    await say(ctx, u, '/back');
    let q = await lastText(ctx, u);
    expect(q).toMatch(/What or whom/);
    expect(q).toContain('Now: The hotline'); // the earlier answer is shown and kept
    await say(ctx, u, '/back');
    expect(await lastText(ctx, u)).toMatch(/choose what your complaint is about/);
    await say(ctx, u, '/back');
    expect(await lastText(ctx, u)).toMatch(/first step/);
    await say(ctx, u, '1'); // typed number of the first category
    // "What or whom" keeps its answer, so the conversation goes on with the first unanswered step.
    expect(await lastText(ctx, u)).toMatch(/describe what happened/);
    await say(ctx, u, '/back');
    await say(ctx, u, 'The hotline, agent 31');
    expect(await lastText(ctx, u)).toMatch(/describe what happened/);
    await say(ctx, u, 'They hung up on me twice.');
    await say(ctx, u, { button: 'when:yesterday' });
    await say(ctx, u, '返回');
    expect(await lastText(ctx, u)).toMatch(/When did it happen[\s\S]*Now: 2026-11-22/);
    await say(ctx, u, 'skip');
    await say(ctx, u, 'A call back');
    await say(ctx, u, 'skip');
    await say(ctx, u, { button: 'skip' });
    await say(ctx, u, { button: 'done' });
    expect(await lastText(ctx, u)).toMatch(/Category: Product quality[\s\S]*When: not given/);
    ctx.clock.advance(60_000); // a new minute: this test sends many messages
    // Change the category from the summary: back to the summary at once, the rest kept.
    await say(ctx, u, { button: 'edit:category' });
    await say(ctx, u, { button: 'cat:service' });
    const summary = await lastText(ctx, u);
    expect(summary).toMatch(/Category: Service attitude/);
    expect(summary).toContain('They hung up on me twice.');
    // Changing to a category that needs an address asks for it before the summary.
    await say(ctx, u, { button: 'edit:category' });
    await say(ctx, u, { button: 'cat:delivery' });
    expect(await lastText(ctx, u)).toMatch(/address/);
    await say(ctx, u, '3 Nanjing Road');
    expect(await lastText(ctx, u)).toMatch(/Address: 3 Nanjing Road/);
    await say(ctx, u, { button: 'edit:description' });
    await say(ctx, u, 'They hung up on me three times.');
    await say(ctx, u, { button: 'confirm' });
    const c = await ctx.db.complaint.findFirstOrThrow({ where: { customer: { platformUserId: u } } });
    expect(c).toMatchObject({ category: 'delivery', description: 'They hung up on me three times.', subject: 'The hotline, agent 31', occurredAt: null, address: '3 Nanjing Road' });
  });

  it('refuses to skip required steps and to take stale buttons, keeping the draft', async () => {
    const u = '2003';
    await say(ctx, u, '/complain');
    await say(ctx, u, { button: 'cat:other' });
    await say(ctx, u, 'skip');
    expect(await lastText(ctx, u)).toMatch(/cannot be skipped/);
    await say(ctx, u, { button: 'when:today' }); // a button of a later step
    expect(await lastText(ctx, u)).toMatch(/no longer active/);
    await say(ctx, u, { button: 'confirm' });
    expect(await lastText(ctx, u)).toMatch(/no longer active/);
    const conv = await ctx.db.conversation.findFirstOrThrow({ where: { userId: u } });
    expect(conv.step).toBe('subject');
    expect(conv.data).toMatchObject({ category: 'other' });
    // A command word in the middle of filing is the command, not an answer; the draft waits.
    await say(ctx, u, '我的投诉');
    expect(await lastText(ctx, u)).toMatch(/no complaints yet/);
    // /complain again resumes instead of starting over.
    await say(ctx, u, '/complain');
    expect(await lastText(ctx, u)).toMatch(/continue where you left off[\s\S]*What or whom/);
    expect((await ctx.db.conversation.findFirstOrThrow({ where: { userId: u } })).data).toMatchObject({ category: 'other' });
    await say(ctx, u, '/cancel');
    expect(await lastText(ctx, u)).toMatch(/Cancelled/);
  });

  it('keeps what follows /complain as the description', async () => {
    const u = '2009';
    await say(ctx, u, '投诉 快递员把包裹扔在门口，没有敲门');
    await say(ctx, u, { button: 'cat:delivery', languageCode: 'zh-hans' });
    await say(ctx, u, { text: '顺丰快递', languageCode: 'zh-hans' });
    expect(await lastText(ctx, u)).toMatch(/^事情是什么时候发生的/);
    expect((await ctx.db.conversation.findFirstOrThrow({ where: { userId: u } })).data).toMatchObject({ description: '快递员把包裹扔在门口，没有敲门' });
  });

  it('uses the phone from an earlier complaint with one button', async () => {
    const u = '2004';
    await say(ctx, u, '/complain');
    for (const step of [{ button: 'cat:service' }, { text: 'Shop on Xinhua St' }, { text: 'Nobody answered for an hour.' }, { button: 'skip' }, { text: 'An explanation' }, { text: '13711112222' }, { button: 'skip' }, { button: 'done' }, { button: 'confirm' }])
      await say(ctx, u, step);
    ctx.clock.advance(60_000);
    await say(ctx, u, '/complain');
    for (const step of [{ button: 'cat:service' }, { text: 'Shop on Xinhua St' }, { text: 'Again nobody answered.' }, { button: 'skip' }, { text: 'An explanation' }]) await say(ctx, u, step);
    const askPhone = (await sent(ctx, u))[0]!;
    expect(askPhone.buttons.flat()).toContainEqual({ label: 'Use 137****2222', data: 'phone:saved' });
    await say(ctx, u, { button: 'phone:saved' });
    expect((await ctx.db.conversation.findFirstOrThrow({ where: { userId: u } })).data).toMatchObject({ phone: '13711112222' });
  });

  it('offers to file a long free message, keeping it as the description', async () => {
    const u = '2005';
    const story = 'I ordered a sofa three weeks ago and it still has not arrived, nobody tells me why.';
    await say(ctx, u, story);
    const offer = (await sent(ctx, u))[0]!;
    expect(offer.text).toMatch(/file this as a complaint/);
    expect(buttonData(offer)).toEqual(['offer:file', 'offer:no']);
    await say(ctx, u, 'It was order 7781.'); // more text joins the first
    await say(ctx, u, { button: 'offer:file' });
    expect(await lastText(ctx, u)).toMatch(/choose what your complaint is about/);
    await say(ctx, u, { button: 'cat:delivery' });
    await say(ctx, u, 'The furniture shop');
    expect(await lastText(ctx, u)).toMatch(/When did it happen/); // "what happened" is already answered
    const conv = await ctx.db.conversation.findFirstOrThrow({ where: { userId: u } });
    expect(conv.data).toMatchObject({ description: `${story}\nIt was order 7781.` });

    // A short message just gets the hint; a declined offer files nothing.
    await say(ctx, '2006', 'hello');
    expect(await lastText(ctx, '2006')).toMatch(/To file a complaint, send \/complain/);
    await say(ctx, '2006', 'The cashier in your Pudong shop shouted at my mother yesterday.');
    await say(ctx, '2006', 'No, thanks');
    expect(await lastText(ctx, '2006')).toMatch(/nothing was filed/);
    expect(await ctx.db.conversation.count({ where: { userId: '2006' } })).toBe(0);
  });

  it('offers to file a photo sent on its own, with the photo kept', async () => {
    const u = '2007';
    await say(ctx, u, { attachments: [{ kind: 'photo', fileId: 'lonely-photo' }], hasMedia: true });
    expect(await lastText(ctx, u)).toMatch(/with this photo/);
    await say(ctx, u, { button: 'offer:file' });
    const conv = await ctx.db.conversation.findFirstOrThrow({ where: { userId: u } });
    expect(conv.step).toBe('category');
    expect(conv.data).toMatchObject({ attachments: [{ kind: 'photo', fileId: 'lonely-photo' }] });
  });

  it('accepts at most the configured complaints per day and says when the next one is possible', async () => {
    const u = '2008';
    const start = ctx.clock.current;
    for (let i = 0; i < ctx.config.customerLimits.complaintsPerDay; i++) {
      await fileThroughFlow(ctx, u, { description: `Complaint number ${i + 1}` });
      ctx.clock.advance(10 * 60_000); // ten minutes apart (also keeps clear of the per-minute limit)
    }
    await say(ctx, u, '/complain');
    // The first of the five leaves the 24-hour window at 10:00 the next day (Shanghai).
    expect(await lastText(ctx, u)).toMatch(/filed 5 complaints in the last 24 hours[\s\S]*after 2026-11-24 10:00/);
    expect(await ctx.db.conversation.count({ where: { userId: u } })).toBe(0);
    ctx.clock.current = new Date(start.getTime() + 24 * 3600_000 + 60_000);
    await say(ctx, u, '/complain');
    expect(await lastText(ctx, u)).toMatch(/choose what your complaint is about/);
  });
});
