/**
 * What the WeChat channel needs from the thing that actually talks to WeChat. Two implementations:
 * `WechatyTransport` (any Wechaty puppet: a personal or WeCom account through a puppet service) and
 * `OfficialAccountTransport` (the project's own official-account adapter: verified pushes, customer-service
 * and template APIs). Everything above it (numbered buttons, the 48-hour window, templates) is shared.
 */
import type { CustomerInbound } from '../../src/app/shared/inbound.ts';

export interface WechatTransport {
  readonly kind: 'wechaty' | 'official-account';
  /**
   * The platform only lets the company write within a window after the customer wrote (official accounts:
   * 5 messages in 48 hours). When true, sends are counted and messages outside the window are held.
   */
  readonly windowed: boolean;
  /** Starts receiving; every decoded customer event goes to `onInbound`, whose errors the transport logs. */
  start(onInbound: (inbound: CustomerInbound) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
  /**
   * Sends a text to a user. Throws `PlatformError`; one with `hold: true` means the platform refused
   * because the customer's window is closed (official account errors 45015 / 45047).
   */
  sendText(userId: string, text: string): Promise<void>;
  /** Sends a template message (official accounts only); these reach the user outside the window. */
  sendTemplate?(userId: string, template: { id: string; url?: string; data: Record<string, string> }): Promise<void>;
}
