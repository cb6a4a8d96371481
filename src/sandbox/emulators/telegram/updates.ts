import { setTimeout as sleep } from 'node:timers/promises';
import type { Update, WebhookInfo } from 'grammy/types';
import { conflict, type TelegramApiError } from './errors.ts';

export type UpdateType = Exclude<keyof Update, 'update_id'>;

/** An update before the server numbers it. */
export type NewUpdate = Omit<Update, 'update_id'>;

export interface WebhookConfig {
  url: string;
  secretToken?: string;
  maxConnections?: number;
  allowedUpdates?: UpdateType[];
}

/** One attempt to push an update to the webhook. */
export interface WebhookDelivery {
  update_id: number;
  url: string;
  attempt: number;
  ok: boolean;
  /** HTTP status of the webhook's answer, when there was one. */
  status?: number;
  error?: string;
  at: number;
}

export interface WebhookPolicy {
  /** Attempts per update before it is dropped. */
  maxAttempts: number;
  /** Wait before the second attempt; doubled for each further one. */
  backoffMs: number;
  /** Per-attempt request timeout. */
  timeoutMs: number;
}

export interface GetUpdatesOptions {
  offset?: number;
  limit?: number;
  /** Seconds; fractions are accepted (Telegram would truncate them). */
  timeout?: number;
  allowedUpdates?: UpdateType[];
  /** Aborted when the client goes away; the poll then ends quietly. */
  signal: AbortSignal;
}

/** Types Telegram leaves out unless they are asked for explicitly. */
const OPT_IN_TYPES: ReadonlySet<string> = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

interface PollWaiter {
  limit: number;
  finish(result: Update[] | TelegramApiError): void;
}

export function updateType(update: Update): UpdateType | undefined {
  return (Object.keys(update) as Array<keyof Update>).find((k): k is UpdateType => k !== 'update_id');
}

/**
 * The update queue of one bot: long polling (getUpdates) or webhook delivery, never both,
 * as with Telegram. Updates stay queued until a later getUpdates confirms them via `offset`,
 * or until the webhook accepts them (or all delivery attempts failed).
 */
export class UpdateHub {
  private nextId: number;
  private pending: Update[] = [];
  private readonly waiters = new Set<PollWaiter>();
  private webhook: WebhookConfig | undefined;
  private pollAllowed: UpdateType[] | undefined;
  private lastError: { date: number; message: string } | undefined;
  private pumping = false;
  private closed = false;
  private readonly shutdown = new AbortController();
  readonly deliveries: WebhookDelivery[] = [];

  constructor(
    private readonly policy: WebhookPolicy,
    /** Executes a method a webhook returned in its response body. */
    private readonly onWebhookReply: (method: string, params: Record<string, unknown>) => Promise<void>,
    firstUpdateId = 1,
  ) {
    this.nextId = firstUpdateId;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  get webhookUrl(): string | undefined {
    return this.webhook?.url;
  }

  push(update: NewUpdate): Update {
    const numbered = { update_id: this.nextId++, ...structuredClone(update) } as Update;
    this.pending.push(numbered);
    if (this.webhook) void this.pump();
    else this.wakePolls();
    return structuredClone(numbered);
  }

  async getUpdates(opts: GetUpdatesOptions): Promise<Update[]> {
    if (this.closed) return [];
    if (this.webhook) {
      throw conflict("can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    for (const waiter of [...this.waiters]) {
      waiter.finish(conflict('terminated by other getUpdates request; make sure that only one bot instance is running'));
    }
    // An empty list means "the default set"; omitting it keeps the previous setting.
    if (opts.allowedUpdates) this.pollAllowed = opts.allowedUpdates.length ? [...opts.allowedUpdates] : undefined;
    this.confirm(opts.offset);
    const limit = Math.min(100, Math.max(1, opts.limit ?? 100));
    const available = this.take(limit, this.pollAllowed);
    const timeout = opts.timeout ?? 0;
    if (available.length > 0 || timeout <= 0 || opts.signal.aborted) return available;

    return new Promise<Update[]>((resolve, reject) => {
      let done = false;
      const onAbort = (): void => waiter.finish([]);
      const timer = setTimeout(() => waiter.finish([]), timeout * 1000);
      const waiter: PollWaiter = {
        limit,
        finish: (result) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          opts.signal.removeEventListener('abort', onAbort);
          this.waiters.delete(waiter);
          if (Array.isArray(result)) resolve(result);
          else reject(result);
        },
      };
      opts.signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  setWebhook(config: WebhookConfig, dropPending: boolean): void {
    if (dropPending) this.pending = [];
    this.webhook = { ...config };
    this.lastError = undefined;
    for (const waiter of [...this.waiters]) waiter.finish(conflict('terminated by setWebhook request'));
    void this.pump();
  }

  /** Returns whether a webhook was set. */
  deleteWebhook(dropPending: boolean): boolean {
    const had = this.webhook !== undefined;
    this.webhook = undefined;
    this.lastError = undefined;
    if (dropPending) this.pending = [];
    return had;
  }

  webhookInfo(): WebhookInfo {
    const info: WebhookInfo = {
      url: this.webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: this.pending.length,
    };
    if (this.lastError) {
      info.last_error_date = this.lastError.date;
      info.last_error_message = this.lastError.message;
    }
    if (this.webhook?.maxConnections !== undefined) info.max_connections = this.webhook.maxConnections;
    if (this.webhook?.allowedUpdates) info.allowed_updates = [...this.webhook.allowedUpdates];
    return info;
  }

  /** Ends pending long polls with an empty result and stops webhook delivery. */
  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter.finish([]);
    this.shutdown.abort();
  }

  private confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    // A negative offset keeps only the last -offset updates.
    this.pending = offset > 0 ? this.pending.filter((u) => u.update_id >= offset) : this.pending.slice(offset);
  }

  /** Drops updates the client did not ask for and returns copies of the first `limit` others. */
  private take(limit: number, allowed: UpdateType[] | undefined): Update[] {
    this.pending = this.pending.filter((u) => isAllowed(u, allowed));
    return structuredClone(this.pending.slice(0, limit));
  }

  private wakePolls(): void {
    for (const waiter of [...this.waiters]) {
      const batch = this.take(waiter.limit, this.pollAllowed);
      if (batch.length > 0) waiter.finish(batch);
    }
  }

  /** Delivers queued updates one at a time, in order, like Telegram with max_connections = 1. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed && this.webhook && this.pending.length > 0) {
        const hook = this.webhook;
        this.pending = this.pending.filter((u) => isAllowed(u, hook.allowedUpdates));
        const update = this.pending[0];
        if (!update) break;
        const delivered = await this.deliver(hook, update);
        // After the last failed attempt the update is dropped, unless the webhook was removed meanwhile.
        if (this.pending[0] === update && (delivered || this.webhook === hook)) this.pending.shift();
      }
    } finally {
      this.pumping = false;
    }
  }

  private async deliver(hook: WebhookConfig, update: Update): Promise<boolean> {
    for (let attempt = 1; attempt <= this.policy.maxAttempts; attempt++) {
      if (this.closed || this.webhook !== hook) return false;
      const record: WebhookDelivery = { update_id: update.update_id, url: hook.url, attempt, ok: false, at: Date.now() };
      try {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (hook.secretToken) headers['x-telegram-bot-api-secret-token'] = hook.secretToken;
        const res = await fetch(hook.url, {
          method: 'POST',
          headers,
          body: JSON.stringify(update),
          signal: AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(this.policy.timeoutMs)]),
        });
        const body = await res.text();
        record.status = res.status;
        if (res.ok) {
          record.ok = true;
          this.deliveries.push(record);
          await this.handleReply(body, res.headers.get('content-type'));
          return true;
        }
        record.error = `Wrong response from the webhook: ${res.status} ${res.statusText}`;
      } catch (err) {
        record.error = describeFetchError(err);
      }
      this.deliveries.push(record);
      this.lastError = { date: Math.floor(Date.now() / 1000), message: record.error ?? 'Unknown error' };
      if (attempt < this.policy.maxAttempts) {
        try {
          await sleep(this.policy.backoffMs * 2 ** (attempt - 1), undefined, { signal: this.shutdown.signal });
        } catch {
          return false; // shutting down
        }
      }
    }
    return false;
  }

  /** Telegram lets a webhook answer with one method call in the response body. */
  private async handleReply(body: string, contentType: string | null): Promise<void> {
    if (!body || !contentType?.includes('application/json')) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
    const { method, ...params } = parsed as Record<string, unknown>;
    if (typeof method !== 'string') return;
    try {
      await this.onWebhookReply(method, params);
    } catch {
      // Telegram ignores failures of webhook replies too; the call is still recorded.
    }
  }
}

function isAllowed(update: Update, allowed: UpdateType[] | undefined): boolean {
  const type = updateType(update);
  if (type === undefined) return false;
  return allowed ? allowed.includes(type) : !OPT_IN_TYPES.has(type);
}

function describeFetchError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'Read timeout expired';
    const code = (err.cause as { code?: unknown } | undefined)?.code;
    if (code === 'ECONNREFUSED') return 'Connection refused';
    if (code === 'ENOTFOUND') return 'Failed to resolve host: Name or service not known';
    return err.message;
  }
  return String(err);
}
