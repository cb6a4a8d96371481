/**
 * Wakes the outbox worker when another instance queues a row: the migration's trigger sends
 * `NOTIFY outbox_new` on every insert into "OutboxMessage", and this holds a dedicated PostgreSQL
 * connection listening for it (reconnecting when it drops). On the embedded database there is one
 * instance, and use cases wake the worker in-process (AppContext.outboxChanged).
 */
import pg from 'pg';
import type { Logger } from '../logger.ts';

export const OUTBOX_CHANNEL = 'outbox_new';

export class OutboxWakeup {
  private client: pg.Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly opts: { url: string; onWake: () => void; log: Logger; reconnectMs?: number }) {}

  async start(): Promise<void> {
    await this.connect().catch(() => this.reconnectLater());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.opts.url, keepAlive: true });
    client.on('notification', () => this.opts.onWake());
    client.on('error', (error) => {
      this.opts.log.warn({ err: error.message }, 'outbox LISTEN connection failed; reconnecting');
      this.reconnectLater();
    });
    this.client = client;
    await client.connect();
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    // Rows queued while the connection was down: look now.
    this.opts.onWake();
  }

  private reconnectLater(): void {
    if (this.stopped || this.retry) return;
    const old = this.client;
    this.client = undefined;
    void old?.end().catch(() => {});
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.stopped) this.connect().catch(() => this.reconnectLater());
    }, this.opts.reconnectMs ?? 2000);
    this.retry.unref?.();
  }
}
