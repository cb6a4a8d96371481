import { afterAll, afterEach, beforeAll } from 'vitest';
import type { TestDatabaseKind } from './databases.ts';
import { testContext, type TestClock } from './context.ts';

export type TestAppContext = Awaited<ReturnType<typeof testContext>>;

/**
 * Opens a fresh database of `kind` with the example config for a describe block, and closes it after.
 * With `resetClockTo`, the clock goes back to that instant after every test.
 */
export function useTestContext(kind: TestDatabaseKind, set: (ctx: TestAppContext) => void, opts: { clock?: TestClock; resetClockTo?: Date } = {}): void {
  let close: (() => Promise<void>) | undefined;
  let ctx: TestAppContext | undefined;
  beforeAll(async () => {
    const database = await kind.open();
    close = () => database.close();
    ctx = await testContext(database, opts.clock);
    set(ctx);
  });
  afterAll(async () => close?.());
  if (opts.resetClockTo) {
    const at = opts.resetClockTo;
    afterEach(() => {
      if (ctx) ctx.clock.current = at;
    });
  }
}
