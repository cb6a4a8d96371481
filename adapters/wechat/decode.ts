/**
 * Wechaty messages → the product's CustomerInbound (official-account pushes: decode-official-account.ts,
 * kept apart so an official-account deployment never loads Wechaty). Only people writing one-to-one are
 * customers: the bot's own messages, group chats and other official accounts are skipped.
 */
import { types, type Message } from 'wechaty';
import type { CustomerAttachment, CustomerInbound } from '../../src/app/shared/inbound.ts';

const UNSUPPORTED_WECHATY: Partial<Record<types.Message, string>> = {
  [types.Message.Audio]: 'voice',
  [types.Message.Emoticon]: 'sticker',
  [types.Message.Location]: 'location',
  [types.Message.Contact]: 'contact',
  [types.Message.Url]: 'link',
};

export async function decodeWechatyMessage(msg: Message): Promise<CustomerInbound | null> {
  if (msg.self() || msg.room()) return null;
  const type = msg.type();
  if (type === types.Message.Recalled) return null;
  const talker = msg.talker();
  if (talker.type() === types.Contact.Official) return null;
  const base = { platform: 'wechat' as const, eventId: msg.id, userId: talker.id, chatId: talker.id, displayName: talker.name() || talker.id };
  if (type === types.Message.Text) return { ...base, text: msg.text() };
  if (type === types.Message.Image) return { ...base, hasMedia: true, attachments: [{ kind: 'photo', fileId: msg.id }] };
  if (type === types.Message.Attachment || type === types.Message.Video) {
    const attachment: CustomerAttachment = { kind: 'file', fileId: msg.id };
    try {
      const file = await msg.toFileBox();
      if (file.name) attachment.fileName = file.name;
      if (file.mediaType && file.mediaType !== 'application/octet-stream') attachment.mimeType = file.mediaType;
    } catch {
      // the name is a nicety; the file id is what matters
    }
    return { ...base, hasMedia: true, attachments: [attachment] };
  }
  return { ...base, hasMedia: true, unsupportedMedia: UNSUPPORTED_WECHATY[type] ?? 'other' };
}
