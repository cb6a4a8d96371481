/**
 * Long polling that handles updates concurrently and loses none, on @grammyjs/runner:
 * - updates of different chats are handled at once (bounded by `concurrency`), those of one chat in order
 *   (`sequentialize` by chat, in telegram-channel.ts);
 * - the offset confirmed to Telegram never passes an update still being handled: Telegram hands back the
 *   unfinished ones, which are skipped here while in flight. A process killed mid-update gets it again at
 *   the next start (or on the next instance), where the database's deduplication by update_id keeps it once;
 * - a 409 (another poller), a 5xx or a network error never ends polling: it backs off (up to 30 s) and retries;
 * - `stop()` stops fetching, waits for every update handed out to be handled, then confirms them.
 * The runner's own fetcher is not used: it confirms each batch by asking for the next.
 */
import type { Api, Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { createConcurrentSink, createRunner, createSource, type RunnerHandle } from '@grammyjs/runner';
import type { Logger } from '../../src/logger.ts';

export interface PollingOptions {
  /** Updates handled at once (across chats). */
  concurrency?: number;
  /** Long-poll timeout, seconds. */
  timeoutSeconds?: number;
  log: Logger;
}

/** Hands out each update once and keeps the confirmed offset behind every unfinished one. */
class LosslessSupplier {
  private maxHanded = 0;
  private readonly inFlight = new Set<number>();
  private progress: (() => void) | undefined;

  constructor(
    private readonly api: Api,
    private readonly opts: PollingOptions,
  ) {}

  /** The offset to ask for: the oldest unfinished update, or the one after the last handed out. */
  private offset(): number | undefined {
    if (this.inFlight.size) return Math.min(...this.inFlight);
    return this.maxHanded ? this.maxHanded + 1 : undefined;
  }

  async supply(batchSize: number, signal: AbortSignal): Promise<Update[]> {
    let retryIn = 500;
    for (;;) {
      let updates: Update[];
      try {
        const offset = this.offset();
        updates = await this.api.getUpdates({ ...(offset !== undefined ? { offset } : {}), limit: Math.max(1, Math.min(batchSize, 100)), timeout: this.opts.timeoutSeconds ?? 30 }, signal as never);
      } catch (error) {
        if (signal.aborted) throw error;
        const code = (error as { error_code?: number }).error_code;
        this.opts.log.warn({ err: error instanceof Error ? error.message : String(error), code, retryInMs: retryIn }, code === 409 ? 'Telegram: another poller or a webhook holds getUpdates; retrying' : 'Telegram: getUpdates failed; retrying');
        await sleep(retryIn, signal);
        retryIn = Math.min(retryIn * 2, 30_000);
        continue;
      }
      retryIn = 500;
      const fresh = updates.filter((u) => u.update_id > this.maxHanded);
      if (!fresh.length && updates.length) {
        // only unfinished updates came back: wait for one to finish instead of asking again at once
        await this.waitForProgress(signal, 250);
        continue;
      }
      for (const u of fresh) {
        this.inFlight.add(u.update_id);
        this.maxHanded = Math.max(this.maxHanded, u.update_id);
      }
      return fresh;
    }
  }

  done(updateId: number): void {
    this.inFlight.delete(updateId);
    this.progress?.();
  }

  get pending(): number {
    return this.inFlight.size;
  }

  /** Tells Telegram that everything handed out has been handled (after a stop). */
  async confirm(): Promise<void> {
    if (this.inFlight.size || !this.maxHanded) return;
    await this.api.getUpdates({ offset: this.maxHanded + 1, limit: 1, timeout: 0 });
  }

  async drained(): Promise<void> {
    while (this.inFlight.size) await this.waitForProgress(undefined, 1000);
  }

  private waitForProgress(signal: AbortSignal | undefined, maxMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.progress = undefined;
        resolve();
      };
      const timer = setTimeout(done, maxMs);
      signal?.addEventListener('abort', done);
      this.progress = done;
    });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** One polling session: start it, stop it (drained and confirmed). */
export class LosslessPolling {
  private readonly supplier: LosslessSupplier;
  private runner: RunnerHandle | undefined;

  constructor(
    private readonly bot: Bot,
    private readonly opts: PollingOptions,
  ) {
    this.supplier = new LosslessSupplier(bot.api, opts);
  }

  get running(): boolean {
    return this.runner?.isRunning() ?? false;
  }

  async start(): Promise<void> {
    await this.bot.init();
    const source = createSource<Update>(this.supplier as never);
    const sink = createConcurrentSink<Update>(
      {
        consume: async (update) => {
          try {
            await this.bot.handleUpdate(update);
          } finally {
            this.supplier.done(update.update_id);
          }
        },
      },
      async (error) => this.opts.log.error({ err: error }, 'Telegram: handling an update failed'),
      { concurrency: this.opts.concurrency ?? 64 },
    );
    this.runner = createRunner(source, sink);
    this.runner.start();
    this.runner.task()?.catch((error: unknown) => this.opts.log.error({ err: error }, 'Telegram: polling stopped with an error'));
  }

  /** Stops fetching, waits until every update handed out is handled, then confirms them to Telegram. */
  async stop(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    if (runner) await runner.stop()?.catch(() => {});
    await this.supplier.drained();
    await this.supplier.confirm().catch((error: unknown) => this.opts.log.warn({ err: error instanceof Error ? error.message : String(error) }, 'Telegram: confirming the handled updates failed; they will be deduplicated'));
  }
}
