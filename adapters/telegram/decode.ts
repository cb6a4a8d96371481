/** Telegram update → the product's CustomerInbound. Only private chats are customers. */
import type { Update } from 'grammy/types';
import type { CustomerInbound } from '../../src/app/inbound.ts';

export function decodeUpdate(update: Update): CustomerInbound | null {
  const message = update.message ?? update.edited_message;
  if (message) {
    if (message.chat.type !== 'private' || !message.from || message.from.is_bot) return null;
    const from = message.from;
    const hasMedia = Boolean(message.photo || message.document || message.video || message.voice || message.audio || message.sticker || message.animation || message.video_note || message.location || message.contact);
    return {
      platform: 'telegram',
      eventId: String(update.update_id),
      userId: String(from.id),
      chatId: String(message.chat.id),
      displayName: [from.first_name, from.last_name].filter(Boolean).join(' ') || from.username || String(from.id),
      languageCode: from.language_code,
      text: message.text ?? message.caption,
      hasMedia,
    };
  }
  const query = update.callback_query;
  if (query) {
    const chat = query.message?.chat;
    if (chat && chat.type !== 'private') return null;
    return {
      platform: 'telegram',
      eventId: String(update.update_id),
      userId: String(query.from.id),
      chatId: String(chat?.id ?? query.from.id),
      displayName: [query.from.first_name, query.from.last_name].filter(Boolean).join(' ') || String(query.from.id),
      languageCode: query.from.language_code,
      button: query.data ?? '',
    };
  }
  return null;
}
