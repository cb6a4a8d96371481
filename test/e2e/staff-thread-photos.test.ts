/**
 * Staff see the customer's photos in the thread under the complaint's card: fetched from Telegram,
 * uploaded to Feishu and posted as image messages, byte for byte what the customer sent. A file that is
 * not an image is named in a text line; a photo too big to fetch is announced in text, never dropped.
 */
import { describe, expect, it } from 'vitest';
import { type Harness } from '../support/harness.ts';
import { TINY_PNG } from '../../src/sandbox/emulators/telegram/index.ts';
import { fileFor, harnessKinds, outboxSettled } from './staff-helpers.ts';
import { useHarness } from '../support/use-harness.ts';

describe.each(harnessKinds())('customer photos in the card thread on $name', (kind) => {
  let h: Harness;
  useHarness(kind, (started) => (h = started));

  /** Does what the customer does, then waits for the bot's next answer to them containing `match` (not an earlier one). */
  const customerDoes = async (user: { id: number }, act: () => unknown, match: string) => {
    const answer = h.telegram.nextBotCall('sendMessage', { chatId: user.id, onlyNew: true, predicate: (c) => String(c.params.text).includes(match), timeoutMs: 5000 });
    act();
    await answer;
  };
  const thread = (messageId: string) => h.feishu.threadOf(messageId);
  /** The bytes of the images posted in the thread, oldest first. */
  const threadImages = (messageId: string) =>
    thread(messageId)
      .filter((m) => m.msgType === 'image')
      .map((m) => {
        const image = h.feishu.image(String(m.parsed['image_key']));
        expect(image, `image ${String(m.parsed['image_key'])} was uploaded`).toBeDefined();
        return image!.bytes;
      });

  it('posts a relayed photo as an image in the thread, with its caption as text', async () => {
    const f = await fileFor(h);
    await customerDoes(f.user, () => h.telegram.sendPhoto(f.user, { caption: 'This is the broken parcel.' }), `Added to your complaint ${f.number}`);
    await outboxSettled(h);

    expect(threadImages(f.messageId)).toEqual([TINY_PNG]);
    const messages = thread(f.messageId);
    expect(messages.every((m) => m.inThread && m.rootId === f.messageId)).toBe(true);
    expect(messages.map((m) => m.msgType)).toEqual(['text', 'image']);
    expect(messages[0]!.text).toContain('This is the broken parcel.');
    // thread replies stay out of the group's main timeline
    expect(h.feishu.messagesIn('oc_cs_group').some((m) => m.msgType === 'image')).toBe(false);
    const failed = await h.bot.ctx.db.outboxMessage.count({ where: { complaintId: f.complaint.id, status: { not: 'sent' } } });
    expect(failed).toBe(0);
  });

  it('posts each photo of several, and names a document in a text line', async () => {
    const f = await fileFor(h);
    const second = Buffer.concat([TINY_PNG, Buffer.from('second photo')]); // still a PNG to the emulator, different bytes
    await customerDoes(f.user, () => h.telegram.sendPhoto(f.user), `Added to your complaint ${f.number}`);
    await customerDoes(f.user, () => h.telegram.sendPhoto(f.user, { data: second }), `Added to your complaint ${f.number}`);
    await customerDoes(f.user, () => h.telegram.sendDocument(f.user, { file_name: 'delivery-note.pdf', mime_type: 'application/pdf' }), `Added to your complaint ${f.number}`);
    await outboxSettled(h);

    expect(threadImages(f.messageId)).toEqual([TINY_PNG, second]);
    const texts = thread(f.messageId).filter((m) => m.msgType === 'text').map((m) => m.text ?? '');
    expect(texts.filter((t) => t.includes('delivery-note.pdf'))).toHaveLength(1);
    expect(await h.bot.ctx.db.attachment.count({ where: { complaintId: f.complaint.id } })).toBe(3);
  });

  it('posts a photo added with /add in the thread too', async () => {
    const f = await fileFor(h);
    await customerDoes(f.user, () => h.telegram.sendText(f.user, `/add ${f.number}`), `add to ${f.number}`);
    const data = Buffer.concat([TINY_PNG, Buffer.from('added with /add')]);
    await customerDoes(f.user, () => h.telegram.sendPhoto(f.user, { data }), `Added to ${f.number}`);
    await outboxSettled(h);
    expect(threadImages(f.messageId)).toEqual([data]);
  });

  it('says in text that a photo came when it is too big to fetch (over 10 MB), and does not retry', async () => {
    const f = await fileFor(h);
    await customerDoes(f.user, () => h.telegram.sendPhoto(f.user, { data: Buffer.concat([TINY_PNG, Buffer.alloc(11 * 1024 * 1024)]) }), `Added to your complaint ${f.number}`);
    await outboxSettled(h);
    expect(threadImages(f.messageId)).toEqual([]);
    const texts = thread(f.messageId).map((m) => m.text ?? '');
    expect(texts.some((t) => t.includes('发来一张照片') && t.includes(f.user.first_name))).toBe(true);
    const row = await h.bot.ctx.db.outboxMessage.findFirstOrThrow({ where: { complaintId: f.complaint.id, kind: 'thread.image' } });
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
  });
});
