/**
 * Sends and patches cards through the official SDK (StaffChannelPort). Failures become PlatformError:
 * 429/99991400 is retried after `x-ogw-ratelimit-reset`; a rejected token is dropped from the cache
 * (the SDK does not refresh it by itself) and the call is retried.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import axios, { type AxiosInstance } from 'axios';
import { PlatformError, type StaffChannelPort } from '../../src/delivery/ports.ts';
import type { Logger } from '../../src/logger.ts';
import { sdkLogger } from './sdk-logger.ts';

const TOKEN_INVALID = new Set([99991663, 99991661, 99991668]);
const RATE_LIMITED = 99991400;

export interface FeishuClientOptions {
  appId: string;
  appSecret: string;
  domain: string;
  /** No answer (or no connection) within this fails the call, retryably (default 15 s). */
  timeoutMs?: number;
  /** Where the SDK's own log lines go (at debug: the outbox worker logs each failure once); none when unset. */
  log?: Logger;
}

/**
 * The SDK's own HTTP instance has no timeout: one request Feishu never answers would hold its sender for
 * ever. This one is the SDK's default (answers are the body, or body and headers when asked) with a
 * connect/idle timeout and a total deadline per request.
 */
export function feishuHttpInstance(timeoutMs: number): AxiosInstance {
  const instance = axios.create({ timeout: timeoutMs });
  instance.interceptors.request.use((config) => {
    if (!config.signal) config.signal = AbortSignal.timeout(timeoutMs);
    return config;
  });
  instance.interceptors.response.use((resp) => ((resp.config as { $return_headers?: boolean }).$return_headers ? { data: resp.data, headers: resp.headers } : resp.data) as never);
  return instance;
}

/** The SDK's token cache, with a way to forget a token the server rejected. */
class TokenCache {
  private readonly entries = new Map<string | symbol, { value: unknown; expire?: number }>();
  private keyOf(key: string | symbol, namespace?: string) {
    return typeof key === 'symbol' ? key : `${namespace ?? ''}/${key}`;
  }
  async set(key: string | symbol, value: unknown, expire?: number, options?: { namespace?: string }) {
    this.entries.set(this.keyOf(key, options?.namespace), { value, expire });
    return true;
  }
  async get(key: string | symbol, options?: { namespace?: string }) {
    const entry = this.entries.get(this.keyOf(key, options?.namespace));
    if (!entry) return undefined;
    if (entry.expire !== undefined && entry.expire < Date.now()) return undefined;
    return entry.value;
  }
  clear() {
    this.entries.clear();
  }
}

interface ApiResult {
  code?: number;
  msg?: string;
  data?: { message_id?: string; image_key?: string; file_key?: string };
}

export class FeishuClient implements StaffChannelPort {
  readonly client: lark.Client;
  private readonly cache = new TokenCache();

  constructor(private readonly opts: FeishuClientOptions) {
    this.client = new lark.Client({
      appId: opts.appId,
      appSecret: opts.appSecret,
      domain: opts.domain,
      cache: this.cache as unknown as lark.Cache,
      httpInstance: feishuHttpInstance(opts.timeoutMs ?? 15_000) as unknown as lark.HttpInstance,
      // Failures come back as PlatformError and are logged once, with context, by the outbox worker.
      loggerLevel: lark.LoggerLevel.info,
      logger: sdkLogger(opts.log, { errorsAs: 'debug' }),
    });
  }

  async sendCard(chatId: string, card: object, uuid: string): Promise<string> {
    return this.createMessage('sendCard', chatId, 'interactive', JSON.stringify(card), uuid);
  }

  async sendText(chatId: string, text: string, uuid: string): Promise<string> {
    return this.createMessage('sendText', chatId, 'text', JSON.stringify({ text }), uuid);
  }

  async replyInThread(messageId: string, text: string, uuid: string): Promise<string> {
    const res = await this.call('replyInThread', () =>
      this.client.im.message.reply({ path: { message_id: messageId }, data: { msg_type: 'text', content: JSON.stringify({ text }), reply_in_thread: true, uuid } }) as Promise<ApiResult>,
    );
    const id = res.data?.message_id;
    if (!id) throw new PlatformError('feishu', 'replyInThread', 'no message_id in the answer', { retryable: true });
    return id;
  }

  /** Uploads the image (Feishu takes up to 10 MB), then replies with it in the thread under `messageId`. */
  async replyImageInThread(messageId: string, image: Buffer, uuid: string): Promise<string> {
    // The SDK's upload answers with the body's `data` only (errors come as HTTP errors, handled in `call`).
    const uploaded = await this.call('uploadImage', async () => ({ data: (await this.client.im.image.create({ data: { image_type: 'message', image } })) ?? undefined }));
    const imageKey = uploaded.data?.image_key;
    if (!imageKey) throw new PlatformError('feishu', 'uploadImage', 'no image_key in the answer', { retryable: true });
    const res = await this.call('replyImageInThread', () =>
      this.client.im.message.reply({ path: { message_id: messageId }, data: { msg_type: 'image', content: JSON.stringify({ image_key: imageKey }), reply_in_thread: true, uuid } }) as Promise<ApiResult>,
    );
    const id = res.data?.message_id;
    if (!id) throw new PlatformError('feishu', 'replyImageInThread', 'no message_id in the answer', { retryable: true });
    return id;
  }

  /** Uploads the file (im/v1/files: up to 30 MB, not empty; an .xlsx goes as file_type xls), then posts it as a `file` message. */
  async sendFile(chatId: string, fileName: string, data: Buffer, uuid: string): Promise<string> {
    const fileType = /\.xlsx?$/i.test(fileName) ? 'xls' : /\.pdf$/i.test(fileName) ? 'pdf' : 'stream';
    const uploaded = await this.call('uploadFile', async () => ({ data: (await this.client.im.file.create({ data: { file_type: fileType, file_name: fileName, file: data } })) ?? undefined }));
    const fileKey = uploaded.data?.file_key;
    if (!fileKey) throw new PlatformError('feishu', 'uploadFile', 'no file_key in the answer', { retryable: true });
    return this.createMessage('sendFile', chatId, 'file', JSON.stringify({ file_key: fileKey }), uuid);
  }

  async sendTextToUser(openId: string, text: string, uuid: string): Promise<string> {
    return this.createMessage('sendTextToUser', openId, 'text', JSON.stringify({ text }), uuid, 'open_id');
  }

  async patchCard(messageId: string, card: object): Promise<void> {
    await this.call('patchCard', () => this.client.im.message.patch({ path: { message_id: messageId }, data: { content: JSON.stringify(card) } }) as Promise<ApiResult>);
  }

  private async createMessage(method: string, receiveId: string, msgType: string, content: string, uuid: string, idType: 'chat_id' | 'open_id' = 'chat_id'): Promise<string> {
    const res = await this.call(method, () =>
      this.client.im.message.create({ params: { receive_id_type: idType }, data: { receive_id: receiveId, msg_type: msgType, content, uuid } }) as Promise<ApiResult>,
    );
    const id = res.data?.message_id;
    if (!id) throw new PlatformError('feishu', method, 'no message_id in the answer', { retryable: true });
    return id;
  }

  private async call(method: string, fn: () => Promise<ApiResult>, retried = false): Promise<ApiResult> {
    let res: ApiResult;
    try {
      res = await fn();
    } catch (error) {
      const e = error as { response?: { status?: number; headers?: Record<string, string>; data?: ApiResult }; message?: string };
      const status = e.response?.status;
      const code = e.response?.data?.code;
      if (code !== undefined && TOKEN_INVALID.has(code) && !retried) return this.retryWithNewToken(method, fn);
      if (status === 429 || code === RATE_LIMITED) {
        const reset = Number(e.response?.headers?.['x-ogw-ratelimit-reset'] ?? 1);
        return Promise.reject(new PlatformError('feishu', method, `rate limited (${code ?? status})`, { retryable: true, retryAfterMs: Math.max(1, reset) * 1000, rateLimited: true, cause: error }));
      }
      const retryable = status === undefined || status >= 500;
      throw new PlatformError('feishu', method, `HTTP ${status ?? 'error'} ${code ?? ''} ${e.response?.data?.msg ?? e.message ?? ''}`.trim(), { retryable, code, cause: error });
    }
    if (res.code && res.code !== 0) {
      if (TOKEN_INVALID.has(res.code) && !retried) return this.retryWithNewToken(method, fn);
      if (res.code === RATE_LIMITED) throw new PlatformError('feishu', method, 'rate limited', { retryable: true, retryAfterMs: 1000, rateLimited: true });
      throw new PlatformError('feishu', method, `code ${res.code}: ${res.msg ?? ''}`, { retryable: false, code: res.code });
    }
    return res;
  }

  private async retryWithNewToken(method: string, fn: () => Promise<ApiResult>): Promise<ApiResult> {
    this.cache.clear();
    return this.call(method, fn, true);
  }
}
