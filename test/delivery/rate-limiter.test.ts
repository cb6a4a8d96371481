import { describe, expect, it } from 'vitest';
import { PerKeyRateLimiter } from '../../src/delivery/rate-limiter.ts';

/** A limiter on a fake clock: sleeping moves the clock, so the waits are exact and nothing really waits. */
function fake(limit = 5, windowMs = 1000) {
  let now = 0;
  const sleeps: number[] = [];
  const limiter = new PerKeyRateLimiter({ limit, windowMs, now: () => now, sleep: async (ms) => void (sleeps.push(ms), (now += ms)) });
  return { limiter, sleeps, advance: (ms: number) => void (now += ms), now: () => now };
}

describe('per-key rate limiter', () => {
  it('lets 5 through at once, then spaces the next so no 1-second window holds more than 5', async () => {
    const { limiter, now } = fake();
    const times: number[] = [];
    for (let i = 0; i < 12; i++) {
      await limiter.take('chat:oc_a');
      times.push(now());
    }
    expect(times).toEqual([0, 0, 0, 0, 0, 1000, 1000, 1000, 1000, 1000, 2000, 2000]);
    for (const t of times) expect(times.filter((x) => x >= t && x < t + 1000).length).toBeLessThanOrEqual(5);
  });

  it('keeps each key apart: one busy group does not slow another', async () => {
    const { limiter, sleeps } = fake();
    for (let i = 0; i < 5; i++) await limiter.take('chat:oc_a');
    expect(await limiter.take('chat:oc_b')).toBe(0);
    expect(sleeps).toEqual([]);
    expect(await limiter.take('chat:oc_a')).toBe(1000);
  });

  it('waits only as long as needed when calls were spread out', async () => {
    const { limiter, advance } = fake();
    for (let i = 0; i < 5; i++) {
      await limiter.take('k');
      advance(150);
    }
    // the first call was 750 ms ago: the sixth waits 250 ms
    expect(await limiter.take('k')).toBe(250);
  });
});
