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
