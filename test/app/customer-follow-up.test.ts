/**
 * Following up on one's own complaints on a real database: listing, status with timeline (own ones only),
 * adding information and photos (recorded and shown to staff), withdrawing with a confirmation.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { buttonData, fileThroughFlow, lastText, say, sent, staffDoes } from './customer-conversation.ts';
import { useTestContext, type TestAppContext } from '../support/use-test-context.ts';

describe.each(testDatabases())('customer follow-up on $name', (kind) => {
  const monday10am = new Date('2026-11-23T02:00:00Z');
  let ctx: TestAppContext;
  useTestContext(kind, (c) => (ctx = c), { resetClockTo: monday10am });

  async function staffTexts(complaintId: number): Promise<string[]> {
    const rows = await ctx.db.outboxMessage.findMany({ where: { complaintId, channel: 'feishu', kind: { in: ['text', 'thread.reply'] } }, orderBy: { id: 'asc' } });
    return rows.map((r) => (r.payload as { text: string }).text);
  }

  it('a short courtesy message after filing ("收到，谢谢", "thanks!") gets a short answer and is not added to the complaint', async () => {
    const u = '3090';
    const c = await fileThroughFlow(ctx, u);
    const events = await ctx.db.complaintEvent.count({ where: { complaintId: c.id } });
    const staff = (await staffTexts(c.id)).length;
    for (const text of ['收到，谢谢', 'Thanks!', '好的👍', 'ok thank you']) {
      ctx.clock.advance(1000);
      await say(ctx, u, text);
      expect(await lastText(ctx, u)).toMatch(new RegExp(`You're welcome.*${c.number}`));
    }
    expect(await ctx.db.complaintEvent.count({ where: { complaintId: c.id } })).toBe(events);
    expect((await staffTexts(c.id)).length).toBe(staff);
    await say(ctx, u, 'Thanks, but the cashier also overcharged me by 20 yuan.');
    expect(await lastText(ctx, u)).toMatch(/Added to your complaint/);
  });

  it('lists the customer\'s own complaints with their state, newest first', async () => {
    const u = '3001';
    await say(ctx, u, '/my');
    expect(await lastText(ctx, u)).toMatch(/no complaints yet/);
    const first = await fileThroughFlow(ctx, u, { description: 'First problem' });
    ctx.clock.advance(60_000);
    const second = await fileThroughFlow(ctx, u, { category: 'quality', description: 'Second problem' });
    await staffDoes(ctx, first.id, { kind: 'accept' });
    await fileThroughFlow(ctx, '3002', { description: 'Somebody else' });
    await say(ctx, u, '我的投诉');
    const list = (await sent(ctx, u))[0]!;
    const lines = list.text.split('\n');
    expect(lines[1]).toBe(`${second.number} · Product quality · Awaiting acceptance · 2026-11-23`);
    expect(lines[2]).toBe(`${first.number} · Service attitude · Accepted · 2026-11-23`);
    expect(list.text).not.toMatch(/Somebody/);
    expect(buttonData(list)).toEqual([`st:${second.id}`, `st:${first.id}`]);
  });

  it('shows one complaint with its timeline, hides internal notes, and treats other people\'s numbers as unknown', async () => {
    const u = '3003';
    const c = await fileThroughFlow(ctx, u);
    await staffDoes(ctx, c.id, { kind: 'accept' });
    const note = await staffDoes(ctx, c.id, { kind: 'note', text: 'Internal: check the courier roster' });
    expect(note.toast.type).toBe('success');
    await say(ctx, u, `/status ${c.number.toLowerCase()}`);
    const status = (await sent(ctx, u))[0]!;
    expect(status.text).toMatch(new RegExp(`^Complaint ${c.number}: Accepted`));
    expect(status.text).toMatch(/Handled by: 客服部/);
    expect(status.text).toMatch(/2026-11-23 10:00 complaint registered\n2026-11-23 10:00 accepted/);
    expect(status.text).not.toMatch(/roster|王芳/); // no internal notes, no staff names
    expect(buttonData(status)).toEqual([`add:${c.id}`, `wdask:${c.id}`, `ap:${c.id}`]);

    const other = await fileThroughFlow(ctx, '3004');
    await say(ctx, u, `查询 ${other.number}`);
    expect(await lastText(ctx, u)).toBe(`No complaint ${other.number} was found among yours. Send /my to see your complaints.`);
    await say(ctx, u, '/status TS-20991231-9999');
    expect(await lastText(ctx, u)).toMatch(/No complaint TS-20991231-9999 was found/);
    await say(ctx, u, { button: `st:${other.id}` }); // a forged button for someone else's complaint
    expect(await lastText(ctx, u)).toMatch(/no longer active/);
    await say(ctx, u, '/status'); // one complaint: shown directly
    expect(await lastText(ctx, u)).toMatch(new RegExp(`^Complaint ${c.number}`));
  });

  it('adds information inline and in a conversation with photos; staff see it and the card is redrawn', async () => {
    const u = '3005';
    const c = await fileThroughFlow(ctx, u);
    const patchesBefore = await ctx.db.outboxMessage.count({ where: { complaintId: c.id, kind: 'card.patch' } });
    await say(ctx, u, `/add ${c.number} The courier's name was Wang.`);
    expect(await lastText(ctx, u)).toBe(`Added to ${c.number}; the department can see it.`);

    await say(ctx, u, '/add'); // one open complaint: no need to pick
    expect(await lastText(ctx, u)).toMatch(new RegExp(`add to ${c.number}`));
    await say(ctx, u, { attachments: [{ kind: 'photo', fileId: 'door-photo' }], hasMedia: true });
    expect(await lastText(ctx, u)).toMatch(/Added to .*Send more, or press Done/);
    await say(ctx, u, { text: 'Here is the receipt', attachments: [{ kind: 'file', fileId: 'receipt', fileName: 'receipt.pdf' }] });
    await say(ctx, u, { button: 'done' });
    expect(await lastText(ctx, u)).toMatch(/your 2 addition\(s\) to .* are with the department/);

    const events = await ctx.db.complaintEvent.findMany({ where: { complaintId: c.id, type: 'info_added' }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.actor, e.actorName, e.data])).toEqual([
      ['telegram:3005', 'Customer 3005', { text: "The courier's name was Wang.", attachments: 0 }],
      ['telegram:3005', 'Customer 3005', { attachments: 1 }],
      ['telegram:3005', 'Customer 3005', { text: 'Here is the receipt', attachments: 1 }],
    ]);
    const files = await ctx.db.attachment.findMany({ where: { complaintId: c.id }, orderBy: { id: 'asc' } });
    expect(files.map((f) => f.fileId)).toEqual(['door-photo', 'receipt']);
    const told = await staffTexts(c.id);
    expect(told).toEqual([
      `客户 Customer 3005 为投诉 ${c.number} 补充了信息：\nThe courier's name was Wang.`,
      `客户 Customer 3005 为投诉 ${c.number} 补充了 1 个照片/文件。`,
      `客户 Customer 3005 为投诉 ${c.number} 补充了信息：\nHere is the receipt\n客户 Customer 3005 为投诉 ${c.number} 补充了 1 个照片/文件。\n📄 文件：receipt.pdf`,
    ]);
    // the photo itself goes into the card's thread as an image; the file is named above
    const images = await ctx.db.outboxMessage.findMany({ where: { complaintId: c.id, kind: 'thread.image' } });
    expect(images.map((r) => (r.payload as { attachmentId: number }).attachmentId)).toEqual([files[0]!.id]);
    expect(await ctx.db.outboxMessage.count({ where: { complaintId: c.id, kind: 'card.patch' } })).toBe(patchesBefore + 3);
  });

  it('does not add to a closed complaint, nor start another conversation in the middle of filing', async () => {
    const u = '3006';
    const c = await fileThroughFlow(ctx, u);
    await say(ctx, u, `/withdraw ${c.number}`);
    await say(ctx, u, { button: `wd:${c.id}` });
    await say(ctx, u, `补充 ${c.number}`);
    expect(await lastText(ctx, u)).toMatch(/is "Closed" and takes no additions[\s\S]*\/appeal/);
    await say(ctx, u, '/add');
    expect(await lastText(ctx, u)).toMatch(/no open complaints/);

    const open = await fileThroughFlow(ctx, '3007');
    await say(ctx, '3007', '/complain');
    await say(ctx, '3007', { button: 'cat:billing' });
    await say(ctx, '3007', `/add ${open.number}`);
    expect(await lastText(ctx, '3007')).toMatch(/You are filing a complaint; please finish it/);
    const conv = await ctx.db.conversation.findFirstOrThrow({ where: { userId: '3007' } });
    expect([conv.flow, conv.step, conv.data]).toEqual(['file', 'subject', expect.objectContaining({ category: 'billing' })]);
  });

  it('withdraws only after confirmation; the department is told; a second confirmation changes nothing', async () => {
    const u = '3008';
    const c = await fileThroughFlow(ctx, u);
    await say(ctx, u, '/withdraw');
    const ask = (await sent(ctx, u))[0]!;
    expect(ask.text).toMatch(new RegExp(`Withdraw complaint ${c.number}\\?`));
    expect(buttonData(ask)).toEqual([`wd:${c.id}`, 'wdno']);
    await say(ctx, u, { button: 'wdno' });
    expect(await lastText(ctx, u)).toMatch(/stays open/);
    expect((await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id } })).status).toBe('registered');

    await say(ctx, u, { button: `wd:${c.id}` });
    expect(await lastText(ctx, u)).toMatch(new RegExp(`Complaint ${c.number} is withdrawn`));
    const after = await ctx.db.complaint.findUniqueOrThrow({ where: { id: c.id }, include: { events: { orderBy: { id: 'asc' } } } });
    expect(after).toMatchObject({ status: 'closed', closeReason: 'withdrawn' });
    expect(after.closedAt?.toISOString()).toBe(monday10am.toISOString());
    expect(after.events.at(-1)).toMatchObject({ type: 'withdraw', fromStatus: 'registered', toStatus: 'closed', actor: 'telegram:3008' });
    expect(await staffTexts(c.id)).toEqual([`客户 Customer 3008 撤销了投诉 ${c.number}，投诉已关闭。`]);

    await say(ctx, u, { button: `wd:${c.id}` });
    expect(await lastText(ctx, u)).toMatch(/is "Closed" and cannot be withdrawn/);
    expect(await ctx.db.complaintEvent.count({ where: { complaintId: c.id, type: 'withdraw' } })).toBe(1);
  });
});
