/** Telegram updates → CustomerInbound: evidence kept by file id, unsupported media named, edits flagged. */
import { describe, expect, it } from 'vitest';
import type { Update } from 'grammy/types';
import { decodeUpdate } from '../../adapters/telegram/decode.ts';
import { fitMessage } from '../../adapters/telegram/telegram-channel.ts';

const from = { id: 42, is_bot: false, first_name: 'Li', last_name: 'Lei', language_code: 'zh-hans' };
const chat = { id: 42, type: 'private' as const, first_name: 'Li' };
function message(fields: Record<string, unknown>, edited = false): Update {
  const m = { message_id: 1, date: 0, chat, from, ...fields };
  return (edited ? { update_id: 7, edited_message: m } : { update_id: 7, message: m }) as unknown as Update;
}

describe('decodeUpdate', () => {
  it('takes the largest photo size, with the caption as text', () => {
    const photo = [
      { file_id: 'small', file_unique_id: 's', width: 90, height: 90 },
      { file_id: 'large', file_unique_id: 'l', width: 1280, height: 960 },
      { file_id: 'medium', file_unique_id: 'm', width: 320, height: 240 },
    ];
    expect(decodeUpdate(message({ photo, caption: 'broken' }))).toMatchObject({
      eventId: '7',
      userId: '42',
      displayName: 'Li Lei',
      languageCode: 'zh-hans',
      text: 'broken',
      hasMedia: true,
      attachments: [{ kind: 'photo', fileId: 'large' }],
    });
  });

  it('a Chinese name is shown family name first without a space (李雷, not "雷 李"); a western one as given', () => {
    const zh = { ...from, first_name: '雷', last_name: '李' };
    expect(decodeUpdate({ update_id: 8, message: { message_id: 8, date: 0, chat, from: zh, text: 'hi' } } as never)?.displayName).toBe('李雷');
    expect(decodeUpdate({ update_id: 9, message: { message_id: 9, date: 0, chat, from, text: 'hi' } } as never)?.displayName).toBe('Li Lei');
  });

  it('keeps documents and videos as files with their names', () => {
    const document = { file_id: 'doc', file_unique_id: 'd', file_name: 'receipt.pdf', mime_type: 'application/pdf' };
    expect(decodeUpdate(message({ document }))?.attachments).toEqual([{ kind: 'file', fileId: 'doc', fileName: 'receipt.pdf', mimeType: 'application/pdf' }]);
    const video = { file_id: 'vid', file_unique_id: 'v', width: 1, height: 1, duration: 3, mime_type: 'video/mp4' };
    expect(decodeUpdate(message({ video }))?.attachments).toEqual([{ kind: 'file', fileId: 'vid', mimeType: 'video/mp4' }]);
  });

  it.each([
    ['sticker', { sticker: { file_id: 's', file_unique_id: 's', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } }],
    ['voice', { voice: { file_id: 'v', file_unique_id: 'v', duration: 2 } }],
    ['location', { location: { latitude: 31.2, longitude: 121.5 } }],
    ['contact', { contact: { phone_number: '+8613800000000', first_name: 'X' } }],
    ['other', {}],
  ])('names unsupported media: %s', (kind, fields) => {
    const inbound = decodeUpdate(message(fields));
    expect(inbound?.unsupportedMedia).toBe(kind);
    expect(inbound?.attachments).toBeUndefined();
  });

  it('takes a button press only from the owner of the private chat', () => {
    const press = (chatId: number) => ({ update_id: 8, callback_query: { id: 'q', from, chat_instance: 'i', data: 'rate:1:5', message: { message_id: 3, date: 0, chat: { ...chat, id: chatId } } } }) as unknown as Update;
    expect(decodeUpdate(press(42))).toMatchObject({ userId: '42', chatId: '42', button: 'rate:1:5' });
    expect(decodeUpdate(press(43))).toBeNull();
  });

  it('flags edits, and ignores groups, bots and service messages', () => {
    expect(decodeUpdate(message({ text: 'fixed' }, true))).toMatchObject({ text: 'fixed', edited: true });
    expect(decodeUpdate(message({ text: 'hi', chat: { id: -5, type: 'group', title: 'g' } }))).toBeNull();
    expect(decodeUpdate(message({ text: 'hi', from: { ...from, is_bot: true } }))).toBeNull();
    expect(decodeUpdate(message({ pinned_message: { message_id: 1, date: 0, chat } }))).toBeNull();
  });
});

describe('fitMessage', () => {
  it('cuts texts over 4,096 characters without splitting a character', () => {
    expect(fitMessage('short')).toBe('short');
    const long = '😀'.repeat(3000);
    const fitted = fitMessage(long);
    expect(fitted.length).toBeLessThanOrEqual(4096);
    expect(fitted.endsWith('😀…')).toBe(true);
  });
});
