/**
 * Feishu callbacks over the SDK's long connection (WSClient): no public address needed.
 * The SDK hands each event to one connected client and sends our return value back in the ACK. It calls
 * us for every frame as it comes, all at once; here a chat's messages are handled one at a time in
 * arrival order (different chats at once, up to `concurrency`), card clicks are put in order by the card
 * action handler (per complaint, within Feishu's 3 s). `stop()` takes no new event (the SDK answers 500,
 * Feishu delivers it again), finishes those taken, then closes the connection so their ACKs go out.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import { KeyedQueue } from '../../src/app/shared/keyed-queue.ts';
import { feishuMessageKey } from './http-callbacks.ts';
import type { Logger } from '../../src/logger.ts';
import { sdkLogger } from './sdk-logger.ts';

export interface LongConnectionOptions {
  appId: string;
  appSecret: string;
  domain: string;
  onCardAction: (event: Record<string, unknown>) => Promise<unknown>;
  /** `im.message.receive_v1`: a message to the bot in a chat (group commands). */
  onMessage?: (event: Record<string, unknown>) => Promise<void>;
  log: Logger;
  /** Chats handled at once (one chat's messages are always one at a time, in order). Default 16. */
  concurrency?: number;
}

export class FeishuLongConnection {
  private client: lark.WSClient | undefined;
  private readonly messages: KeyedQueue;
  private readonly clicks = new Set<Promise<unknown>>();
  private accepting = false;

  constructor(private readonly opts: LongConnectionOptions) {
    this.messages = new KeyedQueue({ concurrency: opts.concurrency ?? 16 });
  }

  private onCardAction(event: Record<string, unknown>): Promise<unknown> {
    if (!this.accepting) return Promise.reject(new Error('stopping: not taking card actions'));
    const task = this.opts.onCardAction(event);
    this.clicks.add(task);
    void task.catch(() => {}).finally(() => this.clicks.delete(task));
    return task;
  }

  private onMessage(event: Record<string, unknown>): Promise<void> {
    if (!this.accepting) return Promise.reject(new Error('stopping: not taking messages'));
    return this.messages.run(feishuMessageKey(event), () => this.opts.onMessage!(event));
  }

  async start(): Promise<void> {
    if (!/^cli_[0-9a-f]{16}$/.test(this.opts.appId))
      this.opts.log.warn({ appId: this.opts.appId }, 'Feishu: FEISHU_APP_ID does not look like cli_ + 16 hex digits; the SDK long connection may refuse to start');
    const dispatcher = new lark.EventDispatcher({ loggerLevel: lark.LoggerLevel.error, logger: sdkLogger(this.opts.log, { errorsAs: 'warn' }) }).register({
      'card.action.trigger': async (data: unknown) => this.onCardAction(data as Record<string, unknown>),
      ...(this.opts.onMessage ? { 'im.message.receive_v1': async (data: unknown) => this.onMessage(data as Record<string, unknown>) } : {}),
    } as Record<string, (data: unknown) => Promise<unknown>>);
    this.accepting = true;
    this.client = new lark.WSClient({ appId: this.opts.appId, appSecret: this.opts.appSecret, domain: this.opts.domain, loggerLevel: lark.LoggerLevel.info, logger: sdkLogger(this.opts.log, { errorsAs: 'warn' }) });
    await this.client.start({ eventDispatcher: dispatcher });
    this.opts.log.info('Feishu: long connection started');
  }

  /** For /readyz: the SDK's WebSocket is open (not connecting, reconnecting or given up). */
  ready(): { ok: boolean; detail?: string } {
    const state = this.client?.getConnectionStatus().state ?? 'not started';
    return state === 'connected' ? { ok: true, detail: 'long connection open' } : { ok: false, detail: `long connection ${state}` };
  }

  /** Takes no new event, finishes the ones taken (their ACKs still go out), then closes. */
  async stop(): Promise<void> {
    this.accepting = false;
    await Promise.all([this.messages.close(), ...[...this.clicks].map((c) => c.catch(() => {}))]);
    this.client?.close({ force: true });
  }
}
