/**
 * Sends what use cases queued. Rows are claimed with FOR UPDATE SKIP LOCKED (several instances may run
 * workers), sent in order, and on failure retried with back-off (or the platform's retry_after).
 * A row that keeps failing is marked failed and kept for inspection, never dropped.
 */
import type { Db } from '../store/database.ts';
import type { OutboxMessage } from '../store/generated/client.ts';
import type { Logger } from '../logger.ts';
import { PlatformError } from './ports.ts';
import { noMetrics, type DeliveryMetrics } from '../metrics/bot-metrics.ts';

/** A sender for one channel. Throw a `PlatformError` to control retrying. */
export interface ChannelSender {
  send(row: OutboxMessage): Promise<void>;
}

export interface OutboxWorkerOptions {
  db: Db;
  senders: Partial<Record<string, ChannelSender>>;
  log: Logger;
  now?: () => Date;
  pollMs?: number;
  batchSize?: number;
  maxAttempts?: number;
  /** How long a claimed row is leased before another worker may take it (a crashed instance). */
  leaseMs?: number;
  /** Counts each attempt's result and the platforms' rate-limit refusals (/metrics). */
  metrics?: DeliveryMetrics;
}

export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private stopped = true;
  private idle: Promise<void> = Promise.resolve();
  private readonly o: Required<Omit<OutboxWorkerOptions, 'senders' | 'db' | 'log'>> & OutboxWorkerOptions;

  constructor(opts: OutboxWorkerOptions) {
    this.o = { now: () => new Date(), pollMs: 1000, batchSize: 20, maxAttempts: 8, leaseMs: 60_000, metrics: noMetrics, ...opts };
  }

  start(): void {
    this.stopped = false;
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.idle;
  }

  /** Runs a pass now (or right after the current one). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.running = true;
    this.idle = this.loop().finally(() => {
      this.running = false;
      if (!this.stopped) this.timer = setTimeout(() => this.kick(), this.o.pollMs);
    });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        const processed = await this.runOnce();
        if (processed === this.o.batchSize) this.again = true;
      } catch (error) {
        this.o.log.error({ err: error }, 'outbox pass failed');
      }
    } while (this.again && !this.stopped);
  }

  /** Claims and sends one batch; returns how many rows it handled. */
  async runOnce(): Promise<number> {
    const channels = Object.keys(this.o.senders).filter((c) => this.o.senders[c]);
    if (!channels.length) return 0;
    const now = this.o.now();
    const leaseUntil = new Date(now.getTime() + this.o.leaseMs);
    const rows = await this.o.db.$queryRaw<OutboxMessage[]>`
      UPDATE "OutboxMessage" SET "status" = 'sending', "attempts" = "attempts" + 1, "nextAttemptAt" = ${leaseUntil}
      WHERE "id" IN (
        SELECT "id" FROM "OutboxMessage"
        WHERE "status" IN ('pending', 'sending') AND "nextAttemptAt" <= ${now} AND "channel" = ANY(${channels})
        ORDER BY "id" LIMIT ${this.o.batchSize} FOR UPDATE SKIP LOCKED)
      RETURNING *`;
    rows.sort((a, b) => a.id - b.id);
    for (const row of rows) await this.deliver(row);
    return rows.length;
  }

  private async deliver(row: OutboxMessage): Promise<void> {
    const sender = this.o.senders[row.channel]!;
    try {
      await sender.send(row);
      await this.o.db.outboxMessage.update({ where: { id: row.id }, data: { status: 'sent', sentAt: this.o.now(), lastError: null } });
      this.o.metrics.delivery(row.channel, 'sent');
    } catch (error) {
      if (error instanceof PlatformError && error.opts.rateLimited) this.o.metrics.rateLimited(row.channel);
      if (error instanceof PlatformError && error.opts.hold) {
        this.o.log.info({ outboxId: row.id, channel: row.channel, reason: error.message }, 'outbox message held');
        await this.o.db.outboxMessage.update({ where: { id: row.id }, data: { status: 'held', attempts: { decrement: 1 }, lastError: error.message.slice(0, 1000) } });
        this.o.metrics.delivery(row.channel, 'held');
        return;
      }
      const retryable = error instanceof PlatformError ? error.opts.retryable : true;
      const giveUp = !retryable || row.attempts >= this.o.maxAttempts;
      const backoff = error instanceof PlatformError && error.opts.retryAfterMs !== undefined ? error.opts.retryAfterMs : Math.min(2 ** row.attempts * 1000, 5 * 60_000);
      const message = error instanceof Error ? error.message : String(error);
      this.o.log[giveUp ? 'error' : 'warn']({ outboxId: row.id, channel: row.channel, kind: row.kind, attempts: row.attempts, err: message }, giveUp ? 'outbox message failed for good' : 'outbox message will be retried');
      await this.o.db.outboxMessage.update({
        where: { id: row.id },
        data: { status: giveUp ? 'failed' : 'pending', lastError: message.slice(0, 1000), nextAttemptAt: new Date(this.o.now().getTime() + backoff) },
      });
      this.o.metrics.delivery(row.channel, giveUp ? 'failed' : 'retry');
    }
  }
}

/** Puts a channel target's held messages back in line (oldest first), e.g. when a WeChat customer writes again. */
export async function releaseHeldMessages(db: Pick<Db, 'outboxMessage'>, channel: string, target: string, at: Date): Promise<number> {
  const res = await db.outboxMessage.updateMany({ where: { channel, target, status: 'held' }, data: { status: 'pending', nextAttemptAt: at } });
  return res.count;
}
