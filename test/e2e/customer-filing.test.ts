/**
 * Filing end to end on the Telegram emulator: every field, real photo and document uploads as evidence,
 * /back and an edit from the summary, the department's Feishu card; and the offer to file a long message.
 */
import { describe, expect, it } from 'vitest';
import { type Harness } from '../support/harness.ts';
import { buttonsOf, cardOf, CustomerChat, harnessKinds } from './customer-e2e.ts';
import { useHarness } from '../support/use-harness.ts';

describe.each(harnessKinds())('customer filing on Telegram ($name)', (kind) => {
  let h: Harness;
  useHarness(kind, (started) => (h = started));

  it('files with every field, photos and a document, going back once and editing from the summary', async () => {
    const c = new CustomerChat(h, { first_name: 'Chen', last_name: 'Yu' });
    const askCategory = await c.say('/complain');
    expect(askCategory.text).toMatch(/\/back goes one step back/);
    let m = await c.click(askCategory, 'cat:delivery');
    expect(m.text).toMatch(/What or whom/);
    m = await c.say('SF courier, waybill 7730021');
    expect(m.text).toMatch(/describe what happened/);
    m = await c.photo('The box was torn open and a cup is missing.'); // the caption answers, the photo is kept
    expect(m.text).toMatch(/When did it happen/);
    expect(buttonsOf(m)).toEqual(['when:today', 'when:yesterday', 'skip']);
    m = await c.click(m, 'when:yesterday');
    expect(m.text).toMatch(/What would you like us to do/);
    m = await c.say('/back');
    expect(m.text).toMatch(/When did it happen[\s\S]*Now: \d{4}-\d{2}-\d{2}/);
    expect(buttonsOf(m)).toContain('keep'); // keep the current answer and move on
    m = await c.click(m, 'keep');
    expect(m.text).toMatch(/What would you like us to do/);
    m = await c.say('/back');
    m = await c.say('Saturday morning');
    m = await c.say('Deliver the missing cup');
    expect(m.text).toMatch(/contact phone/i);
    m = await c.say('12345');
    expect(m.text).toMatch(/not a valid phone number/);
    m = await c.say('139 1234 5678');
    expect(m.text).toMatch(/address/);
    m = await c.say('Flat 1202, 99 Century Avenue, Pudong');
    expect(buttonsOf(m)).toEqual(['reply:24h', 'reply:3d', 'skip']);
    m = await c.click(m, 'reply:3d');
    expect(m.text).toMatch(/photos or files.*1 received/s);
    m = await c.photo();
    expect(m.text).toMatch(/Received 2/);
    m = await c.document('delivery-note.pdf');
    expect(m.text).toMatch(/Received 3/);
    const summary = await c.click(m, 'done');
    for (const part of ['Delivery and delays', 'SF courier, waybill 7730021', 'a cup is missing', 'Saturday morning', 'Deliver the missing cup', '13912345678', '99 Century Avenue', 'Photos/files: 3'])
      expect(summary.text).toContain(part);
    m = await c.click(summary, 'edit:desiredOutcome');
    expect(m.text).toContain('Now: Deliver the missing cup');
    const changed = await c.say('Deliver the missing cup and refund the shipping');
    expect(changed.text).toMatch(/Please check your complaint/);
    expect(changed.text).toContain('refund the shipping');
    const registered = await c.click(changed, 'confirm');
    const number = /TS-\d{8}-\d{4}/.exec(registered.text ?? '')![0];

    const card = await cardOf(h, number);
    expect(card.chatId).toBe('oc_ops_group');
    const complaint = await h.bot.ctx.db.complaint.findUniqueOrThrow({ where: { number }, include: { attachments: { orderBy: { id: 'asc' } } } });
    expect(complaint).toMatchObject({
      subject: 'SF courier, waybill 7730021',
      description: 'The box was torn open and a cup is missing.',
      occurredAt: 'Saturday morning',
      desiredOutcome: 'Deliver the missing cup and refund the shipping',
      contactPhone: '13912345678',
      address: 'Flat 1202, 99 Century Avenue, Pudong',
    });
    expect(complaint.requestedReplyBy).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    // The stored file ids are Telegram's: the largest photo size, and the document.
    const sentByUser = h.telegram.chatHistory(c.user.id).filter((x) => x.from?.id === c.user.id && (x.photo || x.document));
    const expected = sentByUser.map((x) => (x.photo ? ['photo', x.photo.at(-1)!.file_id] : ['file', x.document!.file_id]));
    expect(complaint.attachments.map((a) => [a.kind, a.fileId])).toEqual(expected);
    expect(complaint.attachments[2]).toMatchObject({ fileName: 'delivery-note.pdf', mimeType: 'application/pdf' });
  });

  it('offers to file a long message and keeps it as the description', async () => {
    const c = new CustomerChat(h, { first_name: 'Zhao', language_code: 'zh-hans' });
    const story = '我上周在你们网店买的电水壶，用了两天就漏水了，客服一直不回复。';
    const offer = await c.say(story);
    expect(offer.text).toBe('需要把这段话登记为投诉吗？您写的内容会作为投诉经过保存。');
    let m = await c.click(offer, 'offer:file');
    expect(m.text).toMatch(/^请选择投诉类别/);
    m = await c.click(m, 'cat:quality');
    m = await c.say('电水壶');
    expect(m.text).toMatch(/什么时候发生/); // what happened is already answered
    for (const answer of ['上周', '退货退款', '跳过', '不指定', '完成']) m = await c.say(answer);
    expect(m.text).toContain(story);
    const registered = await c.click(m, 'confirm');
    expect(registered.text).toMatch(/^您的投诉已登记，编号 TS-/);
  });
});
