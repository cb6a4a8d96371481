/**
 * Feishu callbacks over the SDK's long connection (WSClient): no public address needed.
 * The SDK hands each event to one connected client and sends our return value back in the ACK.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../../src/logger.ts';

export interface LongConnectionOptions {
  appId: string;
  appSecret: string;
  domain: string;
  onCardAction: (event: Record<string, unknown>) => Promise<unknown>;
  /** `im.message.receive_v1`: a message to the bot in a chat (group commands). */
  onMessage?: (event: Record<string, unknown>) => Promise<void>;
  log: Logger;
}

export class FeishuLongConnection {
  private client: lark.WSClient | undefined;

  constructor(private readonly opts: LongConnectionOptions) {}

  async start(): Promise<void> {
    if (!/^cli_[0-9a-f]{16}$/.test(this.opts.appId))
      this.opts.log.warn({ appId: this.opts.appId }, 'Feishu: FEISHU_APP_ID does not look like cli_ + 16 hex digits; the SDK long connection may refuse to start');
    const dispatcher = new lark.EventDispatcher({ loggerLevel: lark.LoggerLevel.error }).register({
      'card.action.trigger': async (data: unknown) => this.opts.onCardAction(data as Record<string, unknown>),
      ...(this.opts.onMessage ? { 'im.message.receive_v1': async (data: unknown) => this.opts.onMessage!(data as Record<string, unknown>) } : {}),
    } as Record<string, (data: unknown) => Promise<unknown>>);
    this.client = new lark.WSClient({ appId: this.opts.appId, appSecret: this.opts.appSecret, domain: this.opts.domain, loggerLevel: lark.LoggerLevel.warn });
    await this.client.start({ eventDispatcher: dispatcher });
    this.opts.log.info('Feishu: long connection started');
  }

  /** For /readyz: the SDK's WebSocket is open (not connecting, reconnecting or given up). */
  ready(): { ok: boolean; detail?: string } {
    const state = this.client?.getConnectionStatus().state ?? 'not started';
    return state === 'connected' ? { ok: true, detail: 'long connection open' } : { ok: false, detail: `long connection ${state}` };
  }

  stop(): void {
    this.client?.close({ force: true });
  }
}
