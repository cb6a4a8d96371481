/** Telegram update → the product's CustomerInbound. Only private chats are customers. */
import type { Message, Update, User } from 'grammy/types';
import type { CustomerAttachment, CustomerInbound } from '../../src/app/shared/inbound.ts';
import { personName } from '../../src/domain/person-name.ts';

/** Media the product does not take, by the Message field that carries it. */
const UNSUPPORTED = ['sticker', 'voice', 'audio', 'video_note', 'location', 'venue', 'contact', 'poll', 'dice', 'game', 'story', 'paid_media', 'checklist'] as const;

function displayName(from: User): string {
  return personName(from.first_name, from.last_name) || from.username || String(from.id);
}

/** Photos (the largest size), documents and videos become evidence; everything else is named so it can be refused. */
function decodeMedia(message: Message): { attachments?: CustomerAttachment[]; unsupportedMedia?: string } {
  const record = message as unknown as Record<string, unknown>;
  const unsupported = UNSUPPORTED.find((field) => record[field] !== undefined);
  if (unsupported) return { unsupportedMedia: unsupported };
  if (message.photo?.length) {
    const largest = message.photo.reduce((a, b) => ((b.width * b.height) > (a.width * a.height) ? b : a));
    return { attachments: [{ kind: 'photo', fileId: largest.file_id, mimeType: 'image/jpeg' }] };
  }
  // An animation (GIF) also carries `document`; a video is kept as a file.
  const file = message.document ?? message.video;
  if (file) {
    return {
      attachments: [
        {
          kind: 'file',
          fileId: file.file_id,
          ...(file.file_name ? { fileName: file.file_name } : {}),
          ...(file.mime_type ? { mimeType: file.mime_type } : {}),
        },
      ],
    };
  }
  // A kind of message this decoder does not know yet (and no text): refuse it politely.
  if (message.text === undefined && message.caption === undefined) return { unsupportedMedia: 'other' };
  return {};
}

export function decodeUpdate(update: Update): CustomerInbound | null {
  const message = update.message ?? update.edited_message;
  if (message) {
    if (message.chat.type !== 'private' || !message.from || message.from.is_bot) return null;
    const from = message.from;
    // Service messages (pinned, chat settings…) are not the customer speaking.
    if (message.pinned_message || message.new_chat_members || message.left_chat_member) return null;
    const media = decodeMedia(message);
    const hasMedia = Boolean(media.attachments || (media.unsupportedMedia && media.unsupportedMedia !== 'other') || message.animation);
    return {
      platform: 'telegram',
      eventId: String(update.update_id),
      userId: String(from.id),
      chatId: String(message.chat.id),
      displayName: displayName(from),
      languageCode: from.language_code,
      text: message.text ?? message.caption,
      hasMedia,
      ...media,
      ...(update.edited_message ? { edited: true } : {}),
    };
  }
  const query = update.callback_query;
  if (query) {
    const chat = query.message?.chat;
    // Only the owner of a private chat can press its buttons; anything else is not a customer of ours.
    if (chat && (chat.type !== 'private' || chat.id !== query.from.id)) return null;
    return {
      platform: 'telegram',
      eventId: String(update.update_id),
      userId: String(query.from.id),
      chatId: String(chat?.id ?? query.from.id),
      displayName: displayName(query.from),
      languageCode: query.from.language_code,
      button: query.data ?? '',
    };
  }
  return null;
}
