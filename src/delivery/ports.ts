/**
 * What delivery needs from each platform. Adapters implement these; nothing here knows an SDK.
 * Adapters report failures as `PlatformError`, which says whether and when to retry.
 */
import type { TextButton } from '../app/shared/outbox.ts';

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
      /** The platform refused for its rate limit (HTTP 429 or its own code): counted in /metrics. */
      rateLimited?: boolean;
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
  /**
   * The bytes of a file the customer sent, by the platform's file id (optional: a channel that cannot
   * fetch files leaves it out). A file over the channel's size limit fails with a non-retryable
   * PlatformError whose code is FILE_TOO_BIG.
   */
  downloadFile?(fileId: string): Promise<DownloadedFile>;
}

export interface DownloadedFile {
  data: Buffer;
  fileName?: string;
  mimeType?: string;
}

/** `PlatformError.opts.code` of a download refused for its size: no retry will help. */
export const FILE_TOO_BIG = 413;

/** The staff channel (Feishu). `uuid` makes a retried send idempotent. */
export interface StaffChannelPort {
  sendCard(chatId: string, card: object, uuid: string): Promise<string>;
  patchCard(messageId: string, card: object): Promise<void>;
  sendText(chatId: string, text: string, uuid: string): Promise<string>;
  /** A text in the thread under a message (a card): Feishu's reply with `reply_in_thread`. */
  replyInThread(messageId: string, text: string, uuid: string): Promise<string>;
  /** An image (uploaded first) in the thread under a message (a card). */
  replyImageInThread(messageId: string, image: Buffer, uuid: string): Promise<string>;
  /** A private text to one user, by open_id. */
  sendTextToUser(openId: string, text: string, uuid: string): Promise<string>;
  /** A file (uploaded first, at most 30 MB) posted into a chat. */
  sendFile?(chatId: string, fileName: string, data: Buffer, uuid: string): Promise<string>;
}
