/**
 * Exactly one instance long-polls Telegram (two pollers get 409 Conflict): the one holding a PostgreSQL
 * advisory lock on a dedicated connection. The others try again every `retryMs`; when the poller stops or
 * dies, its session ends, the lock is free, and another instance takes over within `retryMs`. If the
 * leader's own connection fails, it stops polling at once (it can no longer prove it is the only one).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../../src/logger.ts';

export interface PollingLeaderOptions {
  url: string;
  /** What the lock is for (the bot's id): one lock per bot. */
  name: string;
  log: Logger;
  onElected: () => Promise<void>;
  onDeposed: () => Promise<void>;
  retryMs?: number;
}

export class PollingLeader {
  private client: pg.Client | undefined;
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();
  private readonly key: bigint;

  constructor(private readonly opts: PollingLeaderOptions) {
    this.key = createHash('sha256').update(`complaint-bot:telegram-polling:${opts.name}`).digest().readBigInt64BE(0);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): Promise<void> {
    return this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.busy;
    await this.depose();
    await this.client?.end().catch(() => {});
    this.client = undefined;
  }

  private tick(): Promise<void> {
    this.busy = this.busy.then(() => this.attempt()).finally(() => {
      if (this.stopped) return;
      this.timer = setTimeout(() => void this.tick(), this.opts.retryMs ?? 5000);
      this.timer.unref?.();
    });
    return this.busy;
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.client) {
        const client = new pg.Client({ connectionString: this.opts.url, keepAlive: true });
        client.on('error', (error) => {
          this.opts.log.warn({ err: error.message }, 'Telegram polling lock: connection lost');
          if (this.client === client) this.client = undefined;
          void this.depose();
        });
        await client.connect();
        this.client = client;
      }
      if (this.leading) {
        await this.client.query('SELECT 1'); // still connected, so still holding the lock
        return;
      }
      const { rows } = await this.client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [this.key.toString()]);
      if (rows[0]?.locked && !this.stopped) {
        this.leading = true;
        this.opts.log.info('Telegram: this instance holds the polling lock and polls');
        await this.opts.onElected();
      }
    } catch (error) {
      this.opts.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'Telegram polling lock: check failed');
      const client = this.client;
      this.client = undefined;
      await client?.end().catch(() => {});
      await this.depose();
    }
  }

  private async depose(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    this.opts.log.warn('Telegram: this instance stopped polling (lock released or lost)');
    await this.opts.onDeposed().catch((error: unknown) => this.opts.log.error({ err: error }, 'Telegram: stopping polling failed'));
  }
}
