/** What adapters turn platform events into. The product's logic never sees an SDK type. */
export type CustomerPlatform = 'telegram' | 'wechat';

export interface CustomerInbound {
  platform: CustomerPlatform;
  /** The platform's own id of this event (Telegram update_id, WeChat MsgId), for deduplication. */
  eventId: string;
  userId: string;
  chatId: string;
  displayName: string;
  languageCode?: string;
  /** Typed text, if any. */
  text?: string;
  /** The data of a pressed button, if this event is a button press. */
  button?: string;
  /** The message carried a photo, file, sticker… */
  hasMedia?: boolean;
  /** Photos and files the customer sent (evidence); stored by the platform's file id. */
  attachments?: CustomerAttachment[];
  /** Media the product does not take (sticker, voice, location…): the customer is told what is accepted. */
  unsupportedMedia?: string;
  /** The customer edited an earlier message; the edit is not taken as a new answer. */
  edited?: boolean;
}

export interface CustomerAttachment {
  kind: 'photo' | 'file';
  fileId: string;
  fileName?: string;
  mimeType?: string;
}

export interface CardActionInbound {
  /** Feishu's event id: a retried delivery carries the same one. */
  eventId: string;
  operatorOpenId: string;
  messageId?: string;
  chatId?: string;
  /** The button's value, not yet validated. */
  value: unknown;
  formValue?: Record<string, unknown>;
}
