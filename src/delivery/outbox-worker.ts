/**
 * Sends what use cases queued, in parallel across chats and in order within each.
 *
 * - A *lane* is one (channel, target): a customer's chat, a Feishu group, a staff member. Only the oldest
 *   unsent row of a lane may be claimed, so a row waiting on a 429 or a back-off holds back its own chat
 *   and nothing else, across instances too (the claim query checks the database, not memory).
 * - Lanes run concurrently, up to `concurrency` per channel, so a hung or rate-limited platform never
 *   takes the slots of another (every platform call has its own timeout in the adapters).
 * - At most one copy, wherever the bot can decide: a claim carries an attempt id and a short lease; just
 *   before the platform call the row is marked started with a longer lease (a row whose send never started
 *   comes back after the short lease, one whose send may have happened only after the long one). When a
 *   send succeeded, marking it sent is retried until the database answers: the send never is. The only
 *   double left is a process killed between a send and its mark (milliseconds), or Telegram/WeChat (no
 *   idempotency key) after the long lease; Feishu drops it by `uuid`.
 * - Wakes when a row is queued (an in-process kick; on PostgreSQL also LISTEN/NOTIFY from other instances)
 *   and when the next retry is due, instead of polling; `pollMs` is only the longest sleep.
 * - A card update (`card.patch`) is drawn from the database when it is sent, so one that has a newer pending
 *   update of the same card in its lane is not sent: it is marked sent ("superseded by #N", no sentAt) and
 *   the newer one shows everything. A burst of clicks on one card costs one update, not one per click.
 * A row that keeps failing is marked failed and kept for inspection (and reported: `onFailed`), never dropped.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/database.ts';
import type { OutboxMessage } from '../store/generated/client.ts';
import type { Logger } from '../logger.ts';
import { PlatformError } from './ports.ts';
import { noMetrics, type DeliveryMetrics } from '../metrics/bot-metrics.ts';

/** A sender for one channel. Throw a `PlatformError` to control retrying. */
export interface ChannelSender {
  send(row: OutboxMessage): Promise<void>;
}

/** What became of one delivery attempt (for metrics and reports). */
export type DeliveryResult = 'sent' | 'retry' | 'held' | 'failed';

export interface OutboxWorkerOptions {
  db: Db;
  senders: Partial<Record<string, ChannelSender>>;
  log: Logger;
  now?: () => Date;
  /** Longest sleep between passes when nothing wakes the worker. */
  pollMs?: number;
  /** Lanes delivered at once, per channel. */
  concurrency?: number;
  /** Rows claimed by `runOnce` (tests) per channel. */
  batchSize?: number;
  maxAttempts?: number;
  /** Lease of a row whose send has started: longer than any platform call with its retries inside the adapter. */
  leaseMs?: number;
  /** Lease of a claimed row whose send has not started yet (another worker takes it over after this). */
  claimLeaseMs?: number;
  /** Counts each attempt's result and the platforms' rate-limit refusals (/metrics). */
  metrics?: DeliveryMetrics;
  /** Called once when a row fails for good (the operations report). */
  onFailed?: (row: OutboxMessage, reason: string) => Promise<void> | void;
}

type Options = Required<Omit<OutboxWorkerOptions, 'senders' | 'db' | 'log' | 'onFailed'>> & OutboxWorkerOptions;

export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private passing: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  /** In-flight deliveries by lane key. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly o: Options;
  private readonly instance = randomUUID().slice(0, 8);
  private attempts = 0;

  constructor(opts: OutboxWorkerOptions) {
    this.o = { now: () => new Date(), pollMs: 5000, concurrency: 16, batchSize: 20, maxAttempts: 8, leaseMs: 60_000, claimLeaseMs: 10_000, metrics: noMetrics, ...opts };
  }

  start(): void {
    this.stopped = false;
    this.kick();
  }

  /** Stops claiming rows, then waits for every in-flight send to finish and be marked. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.passing;
    await this.settled();
  }

  /** Resolves when the background loop has no send in flight (the sends it started are finished and marked). */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight.values()]);
  }

  /** How many lanes are being delivered right now. */
  get busy(): number {
    return this.inFlight.size;
  }

  /** Runs a pass now (or right after the current one): something was queued or a lane came free. */
  kick(): void {
    if (this.stopped) return;
    if (this.passing) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.passing = this.loop().finally(() => {
      this.passing = undefined;
      if (this.again) return this.kick();
      if (!this.stopped) void this.scheduleNext();
    });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.claimAndStart();
      } catch (error) {
        this.o.log.error({ err: error }, 'outbox pass failed');
      }
    } while (this.again && !this.stopped);
  }

  /** Sleeps until the next row is due (a back-off, a lease running out), at most `pollMs`. */
  private async scheduleNext(): Promise<void> {
    let wait = this.o.pollMs;
    try {
      const channels = this.channels();
      const [row] = await this.o.db.$queryRaw<{ next: Date | null }[]>`
        SELECT MIN("nextAttemptAt") AS "next" FROM "OutboxMessage" WHERE "status" IN ('pending', 'sending') AND "channel" = ANY(${channels})`;
      if (row?.next) wait = Math.max(20, Math.min(wait, new Date(row.next).getTime() - this.o.now().getTime() + 5));
    } catch {
      // the database is away: try again after pollMs
    }
    if (this.stopped || this.passing || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, wait);
    this.timer.unref?.();
  }

  private channels(): string[] {
    return Object.keys(this.o.senders).filter((c) => this.o.senders[c]);
  }

  /** Claims the head row of free lanes, up to the free slots of each channel, and starts delivering them. */
  private async claimAndStart(): Promise<OutboxMessage[]> {
    const started: OutboxMessage[] = [];
    for (const channel of this.channels()) {
      if (this.stopped) break;
      const busyTargets = [...this.inFlight.keys()].filter((k) => k.startsWith(`${channel}\u0000`)).map((k) => k.slice(channel.length + 1));
      const free = this.o.concurrency - busyTargets.length;
      if (free <= 0) continue;
      const rows = await this.claim(channel, busyTargets, free);
      for (const row of rows) {
        const key = laneKey(row);
        const task = this.deliver(row).finally(() => {
          this.inFlight.delete(key);
          this.kick();
        });
        this.inFlight.set(key, task);
        started.push(row);
      }
    }
    return started;
  }

  private async claim(channel: string, busyTargets: string[], limit: number): Promise<OutboxMessage[]> {
    const now = this.o.now();
    const claimUntil = new Date(now.getTime() + this.o.claimLeaseMs);
    const attemptId = `${this.instance}-${++this.attempts}`;
    // The oldest unsent row of each lane only (a 'sending' row of another instance holds its lane too).
    const rows = await this.o.db.$queryRaw<OutboxMessage[]>`
      UPDATE "OutboxMessage" SET "status" = 'sending', "attempts" = "attempts" + 1, "nextAttemptAt" = ${claimUntil}, "attemptId" = ${attemptId}, "sendStartedAt" = NULL
      WHERE "id" IN (
        SELECT o."id" FROM "OutboxMessage" o
        WHERE o."channel" = ${channel} AND o."status" IN ('pending', 'sending') AND o."nextAttemptAt" <= ${now}
          AND NOT (o."target" = ANY(${busyTargets}))
          AND NOT EXISTS (
            SELECT 1 FROM "OutboxMessage" p
            WHERE p."channel" = o."channel" AND p."target" = o."target" AND p."status" IN ('pending', 'sending') AND p."id" < o."id")
        ORDER BY o."id" LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING *`;
    return rows.sort((a, b) => a.id - b.id);
  }

  /** Claims and sends one round of lane heads, waiting for them (tests drive the worker with this). */
  async runOnce(): Promise<number> {
    const rows: OutboxMessage[] = [];
    for (const channel of this.channels()) rows.push(...(await this.claim(channel, [], this.o.batchSize)));
    await Promise.all(rows.map((row) => this.deliver(row)));
    return rows.length;
  }

  private async deliver(row: OutboxMessage): Promise<void> {
    const sender = this.o.senders[row.channel]!;
    const attemptId = (row as OutboxMessage & { attemptId: string }).attemptId;
    if (row.kind === 'card.patch' && (await this.supersede(row, attemptId))) return;
    // The send starts now: from here on, another worker waits for the long lease before taking the row over.
    const startedUntil = new Date(this.o.now().getTime() + this.o.leaseMs);
    const taken = await this.o.db.$executeRaw`
      UPDATE "OutboxMessage" SET "sendStartedAt" = ${this.o.now()}, "nextAttemptAt" = ${startedUntil}
      WHERE "id" = ${row.id} AND "attemptId" = ${attemptId} AND "status" = 'sending'`.catch(() => 0);
    if (taken !== 1) {
      this.o.log.warn({ outboxId: row.id }, 'outbox row was taken over before its send started; skipped');
      return;
    }
    let error: unknown;
    try {
      await sender.send(row);
    } catch (e) {
      error = e;
    }
    if (error === undefined) {
      await this.persist(row, attemptId, { status: 'sent', sentAt: this.o.now(), lastError: null });
      this.o.metrics.delivery(row.channel, 'sent');
      return;
    }
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
    if (error instanceof PlatformError && error.opts.rateLimited) this.o.metrics.rateLimited(row.channel);
    if (error instanceof PlatformError && error.opts.hold) {
      this.o.log.info({ outboxId: row.id, channel: row.channel, reason: message }, 'outbox message held');
      await this.persist(row, attemptId, { status: 'held', attempts: row.attempts - 1, lastError: message });
      this.o.metrics.delivery(row.channel, 'held');
      return;
    }
    const retryable = error instanceof PlatformError ? error.opts.retryable : true;
    const giveUp = !retryable || row.attempts >= this.o.maxAttempts;
    const backoff = error instanceof PlatformError && error.opts.retryAfterMs !== undefined ? error.opts.retryAfterMs : Math.min(2 ** row.attempts * 1000, 5 * 60_000);
    this.o.log[giveUp ? 'error' : 'warn']({ outboxId: row.id, channel: row.channel, kind: row.kind, attempts: row.attempts, err: message }, giveUp ? 'outbox message failed for good' : 'outbox message will be retried');
    await this.persist(row, attemptId, { status: giveUp ? 'failed' : 'pending', lastError: message, nextAttemptAt: new Date(this.o.now().getTime() + backoff) });
    this.o.metrics.delivery(row.channel, giveUp ? 'failed' : 'retry');
    if (giveUp && this.o.onFailed) {
      try {
        await this.o.onFailed(row, message);
      } catch (e) {
        this.o.log.error({ err: e, outboxId: row.id }, 'reporting a failed outbox message failed');
      }
    }
  }

  /** A card update with a newer pending update of the same card in its lane is left to that one (true: skipped). */
  private async supersede(row: OutboxMessage, attemptId: string): Promise<boolean> {
    const cardId = (row.payload as { cardId?: unknown } | null)?.cardId;
    if (typeof cardId !== 'number') return false;
    let newer: { id: number }[];
    try {
      newer = await this.o.db.$queryRaw<{ id: number }[]>`
        SELECT "id" FROM "OutboxMessage"
        WHERE "channel" = ${row.channel} AND "target" = ${row.target} AND "kind" = 'card.patch' AND "status" = 'pending' AND "id" > ${row.id}
          AND "payload"->>'cardId' = ${String(cardId)}
        ORDER BY "id" DESC LIMIT 1`;
    } catch {
      return false;
    }
    if (!newer.length) return false;
    await this.persist(row, attemptId, { status: 'sent', lastError: `superseded by #${newer[0]!.id}` });
    this.o.log.debug({ outboxId: row.id, by: newer[0]!.id }, 'card update superseded by a newer one');
    return true;
  }

  /**
   * Writes the outcome of an attempt, retrying until the database answers (a send that happened must be
   * marked, never repeated). Only this attempt's claim is updated: if the row was taken over meanwhile, the
   * other attempt owns it.
   */
  private async persist(row: OutboxMessage, attemptId: string, data: { status: string; sentAt?: Date; lastError: string | null; nextAttemptAt?: Date; attempts?: number }): Promise<void> {
    for (let wait = 100; ; wait = Math.min(wait * 2, 5000)) {
      try {
        const n = await this.o.db.$executeRaw`
          UPDATE "OutboxMessage" SET "status" = ${data.status}, "sentAt" = ${data.sentAt ?? null}, "lastError" = ${data.lastError},
            "nextAttemptAt" = COALESCE(${data.nextAttemptAt ?? null}::timestamp, "nextAttemptAt"), "attempts" = COALESCE(${data.attempts ?? null}::int, "attempts")
          WHERE "id" = ${row.id} AND "attemptId" = ${attemptId}`;
        if (n !== 1) this.o.log.warn({ outboxId: row.id, status: data.status }, 'outbox row was taken over by another attempt; its outcome is not recorded');
        return;
      } catch (error) {
        this.o.log.warn({ err: error instanceof Error ? error.message : String(error), outboxId: row.id, status: data.status, retryInMs: wait }, 'recording an outbox outcome failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}

function laneKey(row: Pick<OutboxMessage, 'channel' | 'target'>): string {
  return `${row.channel}\u0000${row.target}`;
}

/** Puts a channel target's held messages back in line (oldest first), e.g. when a WeChat customer writes again. */
export async function releaseHeldMessages(db: Pick<Db, 'outboxMessage'>, channel: string, target: string, at: Date): Promise<number> {
  const res = await db.outboxMessage.updateMany({ where: { channel, target, status: 'held' }, data: { status: 'pending', nextAttemptAt: at } });
  return res.count;
}
