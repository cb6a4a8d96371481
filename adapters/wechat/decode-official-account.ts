/** Official-account pushes → the product's CustomerInbound. No Wechaty here: an official account never loads it. */
import type { CustomerInbound } from '../../src/app/shared/inbound.ts';
import { field, type XmlFields } from './xml.ts';

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
