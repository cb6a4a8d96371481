/**
 * WeChat events → the product's CustomerInbound: Wechaty messages and official-account pushes. Only
 * people writing one-to-one are customers: the bot's own messages, group chats and other official
 * accounts are skipped.
 */
import { types, type Message } from 'wechaty';
import type { CustomerAttachment, CustomerInbound } from '../../src/app/shared/inbound.ts';
import { field, type XmlFields } from './xml.ts';

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

const UNSUPPORTED_OA: Record<string, string> = { voice: 'voice', location: 'location', link: 'link' };

/**
 * A decrypted official-account push → an inbound event. Events: following the account answers like
 * /start; a menu click (CLICK) is taken as the typed text of its key. Others (unfollow, scans) are skipped.
 */
export function decodeOfficialAccountPush(fields: XmlFields, displayName: (openId: string) => string): CustomerInbound | null {
  const openId = field(fields, 'FromUserName');
  const type = field(fields, 'MsgType');
  const createTime = field(fields, 'CreateTime') ?? '';
  if (!openId || !/^[\w-]{1,64}$/.test(openId) || !type) return null;
  const base = { platform: 'wechat' as const, userId: openId, chatId: openId, displayName: displayName(openId) };
  if (type === 'event') {
    const event = field(fields, 'Event') ?? '';
    const eventId = `${openId}:${createTime}:${event}`;
    if (event === 'subscribe') return { ...base, eventId, text: '/start' };
    if (event === 'CLICK') {
      const key = field(fields, 'EventKey')?.trim();
      return key ? { ...base, eventId, text: key } : null;
    }
    return null;
  }
  const eventId = field(fields, 'MsgId') || `${openId}:${createTime}`;
  const mediaId = field(fields, 'MediaId');
  if (type === 'text') return { ...base, eventId, text: field(fields, 'Content') ?? '' };
  if (type === 'image' && mediaId) return { ...base, eventId, hasMedia: true, attachments: [{ kind: 'photo', fileId: mediaId, mimeType: 'image/jpeg' }] };
  if ((type === 'video' || type === 'shortvideo') && mediaId) return { ...base, eventId, hasMedia: true, attachments: [{ kind: 'file', fileId: mediaId, mimeType: 'video/mp4' }] };
  if (type === 'file' && mediaId) {
    const name = field(fields, 'Title');
    return { ...base, eventId, hasMedia: true, attachments: [{ kind: 'file', fileId: mediaId, ...(name ? { fileName: name } : {}) }] };
  }
  return { ...base, eventId, hasMedia: true, unsupportedMedia: UNSUPPORTED_OA[type] ?? 'other' };
}
