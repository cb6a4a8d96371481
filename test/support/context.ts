/** An AppContext on a real database with the example config and a controllable clock. */
import path from 'node:path';
import { loadConfigFile } from '../../src/config/load.ts';
import type { AppConfig } from '../../src/config/schema.ts';
import type { AppContext } from '../../src/app/shared/context.ts';
import type { Database } from '../../src/store/database.ts';
import { contextCalendars, slaFromConfig } from '../../src/app/shared/policy.ts';
import { syncDirectory } from '../../src/app/shared/sync-directory.ts';
import { createLogger } from '../../src/logger.ts';

export const EXAMPLE_CONFIG_PATH = path.resolve(import.meta.dirname, '../../complaint-bot.example.yaml');

export function exampleConfig(): AppConfig {
  return loadConfigFile(EXAMPLE_CONFIG_PATH);
}

export class TestClock {
  constructor(public current: Date) {}
  now = (): Date => new Date(this.current);
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export async function testContext(database: Database, clock = new TestClock(new Date('2026-11-23T02:00:00Z')), config: AppConfig = exampleConfig()): Promise<AppContext & { clock: TestClock }> {
  const ctx = {
    db: database.prisma,
    config,
    ...contextCalendars(config),
    sla: slaFromConfig(config),
    now: clock.now,
    log: createLogger('silent'),
    outboxChanged: () => {},
    clock,
  };
  await syncDirectory(ctx);
  return ctx;
}
