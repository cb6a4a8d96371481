/**
 * What delivery needs from each platform. Adapters implement these; nothing here knows an SDK.
 * Adapters report failures as `PlatformError`, which says whether and when to retry.
 */
import type { TextButton } from '../app/outbox.ts';

export class PlatformError extends Error {
  constructor(
    readonly platform: string,
    readonly method: string,
    message: string,
    readonly opts: {
      retryable: boolean;
      retryAfterMs?: number;
      /** Keep the row as 'held' until something releases it (e.g. WeChat's 48-hour window reopens). */
      hold?: boolean;
      /** The platform's own error code, when it gave one (Feishu: 230031 = message too old to update). */
      code?: number;
      cause?: unknown;
    } = { retryable: true },
  ) {
    super(`${platform}.${method}: ${message}`);
    this.name = 'PlatformError';
  }
}

/** A customer channel (Telegram, WeChat). */
export interface CustomerChannelPort {
  sendText(chatId: string, text: string, buttons?: TextButton[][]): Promise<void>;
}

/** The staff channel (Feishu). `uuid` makes a retried send idempotent. */
export interface StaffChannelPort {
  sendCard(chatId: string, card: object, uuid: string): Promise<string>;
  patchCard(messageId: string, card: object): Promise<void>;
  sendText(chatId: string, text: string, uuid: string): Promise<string>;
  /** A text in the thread under a message (a card): Feishu's reply with `reply_in_thread`. */
  replyInThread(messageId: string, text: string, uuid: string): Promise<string>;
  /** A private text to one user, by open_id. */
  sendTextToUser(openId: string, text: string, uuid: string): Promise<string>;
}
