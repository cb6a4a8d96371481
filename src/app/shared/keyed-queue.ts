/**
 * Inbound events handled the way Telegram's runner + `sequentialize` handles updates, for the adapters
 * that have no such thing (WeChat official account and Wechaty, Feishu long connection and HTTP callbacks):
 * - different keys (chats) at once, at most `concurrency` tasks running in all;
 * - one key strictly one task at a time, in the order given (arrival order, or an explicit `order`,
 *   e.g. WeChat's CreateTime + MsgId, so pushes that arrive together or are handed out again after a
 *   crash run in the order the customer sent them);
 * - a key that waits does not hold back another key: slots go to keys in the order they became ready;
 * - `close()` takes no new task (`run` then rejects with `QueueClosed`) and resolves when every task
 *   accepted before has finished.
 * Not p-queue (no keys: one queue per key plus a shared limit would need its own bookkeeping of idle keys
 * and cannot order by a platform's sequence number) nor @grammyjs/runner's `sequentialize` (grammY
 * middleware, no overall limit, no way to drain or order). ~100 lines, no dependency.
 */

export class QueueClosed extends Error {
  constructor() {
    super('the queue is closed (stopping): the task was not taken');
  }
}

interface Job {
  order: string | undefined;
  seq: number;
  run: () => void;
}

interface Lane {
  waiting: Job[];
  running: boolean;
}

export interface KeyedQueueOptions {
  /** Tasks running at once across keys (default 16). */
  concurrency?: number;
}

export class KeyedQueue {
  private readonly lanes = new Map<string, Lane>();
  /** Keys whose next task can start as soon as a slot is free, in the order they became ready. */
  private readonly ready: string[] = [];
  private active = 0;
  private accepted = 0;
  private seq = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private readonly concurrency: number;

  constructor(opts: KeyedQueueOptions = {}) {
    this.concurrency = Math.max(1, opts.concurrency ?? 16);
  }

  /** Tasks accepted and not finished (running or waiting). */
  get size(): number {
    return this.accepted;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Runs `task` after every earlier task of `key` has finished (earlier by `order` when given, among
   * those not started yet; by arrival otherwise) and when a slot is free. Settles as the task does.
   */
  run<T>(key: string, task: () => Promise<T>, order?: string): Promise<T> {
    if (this.closed) return Promise.reject(new QueueClosed());
    this.accepted++;
    return new Promise<T>((resolve, reject) => {
      const job: Job = {
        order,
        seq: this.seq++,
        run: () => {
          let result: Promise<T>;
          try {
            result = task();
          } catch (error) {
            result = Promise.reject(error);
          }
          result.then(resolve, reject).finally(() => this.finished(key));
        },
      };
      let lane = this.lanes.get(key);
      if (!lane) {
        lane = { waiting: [], running: false };
        this.lanes.set(key, lane);
      }
      insertOrdered(lane.waiting, job);
      if (!lane.running && lane.waiting.length === 1) this.ready.push(key);
      this.pump();
    });
  }

  /** Resolves when nothing is running or waiting (tasks added meanwhile are waited for too). */
  idle(): Promise<void> {
    if (this.accepted === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Takes no new task; resolves when every accepted one has finished. */
  close(): Promise<void> {
    this.closed = true;
    return this.idle();
  }

  private pump(): void {
    while (this.active < this.concurrency && this.ready.length) {
      const key = this.ready.shift()!;
      const lane = this.lanes.get(key)!;
      const job = lane.waiting.shift()!;
      lane.running = true;
      this.active++;
      job.run();
    }
  }

  private finished(key: string): void {
    this.active--;
    this.accepted--;
    const lane = this.lanes.get(key)!;
    lane.running = false;
    if (lane.waiting.length) this.ready.push(key);
    else this.lanes.delete(key);
    this.pump();
    if (this.accepted === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}

/** Keeps `waiting` sorted by (order, arrival); a job without order goes after every waiting one. */
function insertOrdered(waiting: Job[], job: Job): void {
  if (job.order === undefined) {
    waiting.push(job);
    return;
  }
  let i = waiting.length;
  while (i > 0 && waiting[i - 1]!.order !== undefined && waiting[i - 1]!.order! > job.order) i--;
  waiting.splice(i, 0, job);
}
