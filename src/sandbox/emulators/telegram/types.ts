import type { UserFromGetMe } from 'grammy/types';
import type { TelegramErrorBody } from './errors.ts';
import type { WebhookPolicy } from './updates.ts';

export type { TelegramErrorBody } from './errors.ts';
export type { UploadedFileInfo } from './body.ts';
export type { WebhookDelivery, WebhookPolicy, UpdateType, NewUpdate } from './updates.ts';
export type { NewUserOptions, NewGroupOptions, GroupChat } from './world.ts';

export interface TelegramEmulatorOptions {
  /** Bot token; the bot id is the part before the colon. Default `123456789:AAE-emulated-token-for-tests`. */
  token?: string;
  /**
   * Overrides for the getMe result (`id` and `is_bot` come from the token). Default username
   * 'emulated_bot'. `can_read_all_group_messages` (default false) switches group privacy mode off.
   */
  botInfo?: Partial<Omit<UserFromGetMe, 'id' | 'is_bot'>>;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Webhook delivery: default 4 attempts, 100 ms back-off (doubling), 10 s timeout per attempt. */
  webhook?: Partial<WebhookPolicy>;
  /** Largest accepted request body; default 50 MB, the Bot API upload limit. */
  maxBodyBytes?: number;
  /** update_id of the first update; default 1. */
  firstUpdateId?: number;
  /** The emulator's clock in ms since the epoch (message dates, call times); `Date.now` by default. */
  now?: () => number;
}

/** A Bot API request the bot made (everything except getUpdates, which is only counted). */
export interface BotCall {
  /** 1-based position in `emu.calls`. */
  seq: number;
  /** Canonical method name, e.g. 'sendMessage', whatever case the client used. */
  method: string;
  /** Parameters, normalised: numbers and JSON objects decoded, uploads as `UploadedFileInfo`. */
  params: Record<string, unknown>;
  /** Result on success. */
  result?: unknown;
  /** Telegram's error body on failure (including injected failures). */
  error?: TelegramErrorBody;
  /** Date.now() when the call was answered. */
  at: number;
  /** 'webhook-reply' when the method came back in a webhook's response body. */
  via: 'http' | 'webhook-reply';
}

/** An answerCallbackQuery the bot made: what the user would see as a toast or alert. */
export interface CallbackAnswer {
  callback_query_id: string;
  /** The callback data of the button that was clicked. */
  data?: string;
  user_id: number;
  text?: string;
  show_alert: boolean;
  url?: string;
  cache_time?: number;
  at: number;
}

export interface FailNextOptions {
  error_code: number;
  /** Default: Telegram's wording for the code, e.g. "Too Many Requests: retry after N" for 429. */
  description?: string;
  /** Seconds; for 429 defaults to 1. Sent as parameters.retry_after. */
  retry_after?: number;
  migrate_to_chat_id?: number;
  /** How many consecutive calls fail; default 1. */
  times?: number;
}

export interface NextBotCallOptions {
  /** Only calls whose `chat_id` parameter equals this (compared as strings). */
  chatId?: number | string;
  predicate?: (call: BotCall) => boolean;
  /** Default 5000. */
  timeoutMs?: number;
  /** Ignore calls made before this nextBotCall() was invoked, even if not yet consumed. */
  onlyNew?: boolean;
}

export interface WaitForCallOptions {
  /** Default 5000. */
  timeoutMs?: number;
  /** Index into `emu.calls` to start looking from; default 0. */
  fromIndex?: number;
}

export interface EmulatorStats {
  /** Number of getUpdates requests received (long polls count once). */
  getUpdates: number;
  /** All Bot API requests, including getUpdates and unknown methods. */
  requests: number;
  /** Requests per canonical method name. */
  byMethod: Record<string, number>;
}

export interface UserMessageOptions {
  /** Chat to write in; default the user's private chat with the bot. */
  chat?: { id: number };
  /** Message this one replies to. */
  replyTo?: { message_id: number };
}

export interface UserPhotoOptions extends UserMessageOptions {
  caption?: string;
  /** Image bytes (PNG, JPEG or GIF); default a 1×1 PNG. */
  data?: Buffer;
  /** Reported dimensions; default read from the image. */
  width?: number;
  height?: number;
}

export interface UserDocumentOptions extends UserMessageOptions {
  file_name: string;
  mime_type?: string;
  caption?: string;
  /** File bytes; default a short text naming the file. */
  data?: Buffer;
}
