/**
 * WeChat through Wechaty: the puppet (WECHATY_PUPPET, with WECHATY_PUPPET_TOKEN) decides which account
 * the bot runs as: a WeCom or personal account through a puppet service, or the mock puppet in tests.
 * Logging in is the puppet's business (a QR code to scan for most): the bot starts without waiting, logs
 * the QR code's link, and messages sent before login are retried by the outbox.
 * Messages of different people are handled at once (up to `concurrency`), one person's in the order they
 * arrived; on stop, what arrived is handled before the puppet is stopped.
 */
import { WechatyBuilder, ScanStatus, type Wechaty } from 'wechaty';
import type { CustomerInbound } from '../../src/app/shared/inbound.ts';
import { KeyedQueue } from '../../src/app/shared/keyed-queue.ts';
import { PlatformError } from '../../src/delivery/ports.ts';
import type { Logger } from '../../src/logger.ts';
import { decodeWechatyMessage } from './decode.ts';
import type { WechatTransport } from './transport.ts';

export interface WechatyTransportOptions {
  puppet: string;
  token?: string;
  /** Where Wechaty keeps its login session (a path without extension; `.memory-card.json` is added). */
  sessionName?: string;
  log: Logger;
  /** People handled at once (one person's messages are always one at a time, in order). Default 16. */
  concurrency?: number;
}

export class WechatyTransport implements WechatTransport {
  readonly kind = 'wechaty' as const;
  /** Personal and WeCom accounts may write at any time. */
  readonly windowed = false;
  readonly wechaty: Wechaty;
  private loggedIn = false;
  private readonly queue: KeyedQueue;
  /**
   * Settles when the puppet has started (or failed to). Not awaited by `start`: a puppet service that
   * cannot be reached would otherwise hold up the whole bot; its failure is logged instead.
   */
  started: Promise<void> = Promise.resolve();

  constructor(private readonly opts: WechatyTransportOptions) {
    this.queue = new KeyedQueue({ concurrency: opts.concurrency ?? 16 });
    this.wechaty = WechatyBuilder.build({
      ...(opts.sessionName ? { name: opts.sessionName } : {}),
      puppet: opts.puppet as 'wechaty-puppet-service',
      ...(opts.token ? { puppetOptions: { token: opts.token } } : {}),
    });
  }

  get isLoggedIn(): boolean {
    return this.loggedIn;
  }

  /** For /readyz: the puppet is logged in (before that nothing can be sent or received). */
  ready(): { ok: boolean; detail?: string } {
    return this.loggedIn ? { ok: true, detail: 'wechaty logged in' } : { ok: false, detail: 'wechaty puppet not logged in' };
  }

  async start(onInbound: (inbound: CustomerInbound) => Promise<void>): Promise<void> {
    const log = this.opts.log;
    this.wechaty.on('scan', (qrcode, status) => {
      if (status === ScanStatus.Waiting || status === ScanStatus.Timeout)
        log.warn({ qrcode: `https://wechaty.js.org/qrcode/${encodeURIComponent(qrcode)}` }, 'WeChat (Wechaty): scan this QR code with the account the bot should run as');
    });
    this.wechaty.on('login', (user) => {
      this.loggedIn = true;
      log.info({ user: user.name() }, 'WeChat (Wechaty): logged in');
    });
    this.wechaty.on('logout', (user, reason) => {
      this.loggedIn = false;
      log.warn({ user: user.name(), reason }, 'WeChat (Wechaty): logged out');
    });
    this.wechaty.on('error', (error) => log.error({ err: error }, 'WeChat (Wechaty) error'));
    this.wechaty.on('message', (msg) => {
      // Decoded at once (it may ask the puppet for a file's name), handled in the talker's line.
      const decoded = decodeWechatyMessage(msg);
      decoded.catch(() => {});
      this.queue
        .run(talkerKey(msg), async () => {
          const inbound = await decoded;
          if (inbound) await onInbound(inbound);
        })
        .catch((error: unknown) => log.error({ err: error, messageId: msg.id }, 'handling a WeChat message failed'));
    });
    this.started = this.wechaty.start().then(
      () => log.info({ puppet: this.opts.puppet }, 'WeChat (Wechaty) started; waiting for the puppet to log in'),
      (error: unknown) =>
        log.error(
          { puppet: this.opts.puppet, err: error instanceof Error ? error.message : String(error) },
          `WeChat (Wechaty) could not start the puppet ${this.opts.puppet}: is the package installed (npm install ${this.opts.puppet}) and WECHATY_PUPPET_TOKEN right? The rest of the bot keeps running`,
        ),
    );
  }

  async stop(): Promise<void> {
    await this.started;
    // Wechaty does not deliver a message twice: whatever arrives until the puppet stops is still handled.
    await this.queue.idle();
    await this.wechaty.stop().catch((error: unknown) => this.opts.log.warn({ err: error }, 'WeChat (Wechaty) did not stop cleanly'));
    await this.queue.close();
  }

  /** Resolves when every message received so far has been handled. */
  settled(): Promise<void> {
    return this.queue.idle();
  }

  async sendText(userId: string, text: string): Promise<void> {
    if (!this.loggedIn) throw new PlatformError('wechat', 'say', 'the Wechaty puppet is not logged in', { retryable: true, retryAfterMs: 30_000 });
    let contact;
    try {
      contact = await this.wechaty.Contact.find({ id: userId });
    } catch (error) {
      throw new PlatformError('wechat', 'Contact.find', String(error), { retryable: true, cause: error });
    }
    if (!contact) throw new PlatformError('wechat', 'Contact.find', `contact ${userId} not found`, { retryable: true, retryAfterMs: 60_000 });
    try {
      await contact.say(text);
    } catch (error) {
      throw new PlatformError('wechat', 'say', error instanceof Error ? error.message : String(error), { retryable: true, cause: error });
    }
  }
}

/** One person's line: the talker (a group's messages are not customers' and are dropped by the decoder anyway). */
function talkerKey(msg: { id: string; talker(): { id: string }; room(): { id: string } | undefined }): string {
  try {
    return msg.room()?.id ?? msg.talker().id;
  } catch {
    return `message:${msg.id}`;
  }
}
