import { afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness, type HarnessKind } from './harness.ts';

/** Starts the bot on `kind` before the describe block's tests and stops it (and drops its database) after. */
export function useHarness(kind: HarnessKind, set: (h: Harness) => void, opts: Omit<Parameters<typeof startHarness>[0], 'databaseUrl'> = {}): void {
  let harness: Harness | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const setup = await kind.setup();
    cleanup = setup.cleanup;
    harness = await startHarness({ ...opts, databaseUrl: setup.databaseUrl });
    set(harness);
  });
  afterAll(async () => {
    await harness?.stop();
    await cleanup?.();
  });
}
