/**
 * At most `limit` calls per `windowMs` for each key (a Feishu group, user or message), waiting instead of
 * failing, so the order of calls is kept. One instance's view only: several instances each keep to the
 * limit, and the platform's own 429 + retry-after remains the backstop.
 */
export interface RateLimiterOptions {
  limit: number;
  windowMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class PerKeyRateLimiter {
  private readonly recent = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private calls = 0;

  constructor(private readonly opts: RateLimiterOptions) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Waits until one more call for `key` stays within the limit, counts it, and returns how long it waited. */
  async take(key: string): Promise<number> {
    let waited = 0;
    for (;;) {
      const now = this.now();
      const times = (this.recent.get(key) ?? []).filter((at) => now - at < this.opts.windowMs);
      if (times.length < this.opts.limit) {
        times.push(now);
        this.recent.set(key, times);
        if (++this.calls % 1000 === 0) this.sweep(now);
        return waited;
      }
      const wait = times[0]! + this.opts.windowMs - now;
      this.recent.set(key, times);
      await this.sleep(wait);
      waited += wait;
    }
  }

  private sweep(now: number): void {
    for (const [key, times] of this.recent) if (!times.some((at) => now - at < this.opts.windowMs)) this.recent.delete(key);
  }
}

/**
 * A token bucket per key: `burst` calls at once, then `perSecond` on average. For limits a platform states
 * as a rate but lets short bursts through (Telegram's "about one message a second" in a chat), so a quick
 * exchange with a customer is not slowed while a flood still is. Waits keep the order of calls per key.
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number; queue: Promise<void> }>();
  private readonly now: () => number;

  constructor(private readonly opts: { burst: number; perSecond: number; now?: () => number }) {
    this.now = opts.now ?? Date.now;
  }

  take(key: string): Promise<number> {
    const bucket = this.buckets.get(key) ?? { tokens: this.opts.burst, at: this.now(), queue: Promise.resolve() };
    this.buckets.set(key, bucket);
    const turn = bucket.queue.then(async () => {
      let waited = 0;
      for (;;) {
        const now = this.now();
        bucket.tokens = Math.min(this.opts.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.opts.perSecond);
        bucket.at = now;
        if (bucket.tokens >= 1) {
          bucket.tokens -= 1;
          return waited;
        }
        const wait = Math.ceil(((1 - bucket.tokens) / this.opts.perSecond) * 1000);
        await new Promise((resolve) => setTimeout(resolve, wait));
        waited += wait;
      }
    });
    bucket.queue = turn.then(() => undefined);
    if (this.buckets.size > 10_000) this.sweep();
    return turn;
  }

  /** Forgets full buckets (keys not used for a while). */
  private sweep(): void {
    const now = this.now();
    for (const [key, b] of this.buckets) if (b.tokens + ((now - b.at) / 1000) * this.opts.perSecond >= this.opts.burst) this.buckets.delete(key);
  }
}
