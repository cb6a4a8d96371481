/**
 * Counts SQL round trips: a real database (in-memory PGlite, or PostgreSQL when TEST_DATABASE_URL is set)
 * whose Prisma driver adapter is wrapped so that every statement the client sends — a query, an update,
 * BEGIN (starting a transaction) and COMMIT/ROLLBACK — counts one. These are the waits a use case pays
 * one after another, so a path's budget is a count, never a timing.
 */
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import { PrismaClient } from '../../src/store/generated/client.ts';
import { applyMigrations } from '../../src/store/schema-engine.ts';
import type { Database } from '../../src/store/database.ts';
import { freshPostgresUrl } from './databases.ts';

export class RoundTripCounter {
  /** Every statement since the last reset, in order ('BEGIN', 'COMMIT', 'ROLLBACK' for the transaction's ends). */
  readonly statements: string[] = [];
  get count(): number {
    return this.statements.length;
  }
  reset(): void {
    this.statements.length = 0;
  }
  /** Counts what `fn` sends; the list of statements is kept for a failing test's message. */
  async during(fn: () => Promise<unknown>): Promise<number> {
    this.reset();
    await fn();
    return this.count;
  }
  /** The statements, shortened, one per line (for a test's failure message). */
  describe(): string {
    return this.statements.map((s, i) => `${i + 1}. ${s.replace(/\s+/g, ' ').slice(0, 160)}`).join('\n');
  }
}

function countQueries<T extends { queryRaw(q: SqlQuery): Promise<unknown>; executeRaw(q: SqlQuery): Promise<number> }>(target: T, counter: RoundTripCounter): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver);
      if (prop === 'queryRaw' || prop === 'executeRaw')
        return (q: SqlQuery) => {
          counter.statements.push(q.sql);
          return (value as (q: SqlQuery) => Promise<unknown>).call(t, q);
        };
      // PGlite's adapter ends its transaction itself (a "phantom" query); PostgreSQL's gets COMMIT as a statement, counted above.
      if ((prop === 'commit' || prop === 'rollback') && (t as unknown as Transaction).options?.usePhantomQuery)
        return () => {
          counter.statements.push(prop === 'commit' ? 'COMMIT' : 'ROLLBACK');
          return (value as () => Promise<void>).call(t);
        };
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}

function countingAdapter(adapter: SqlDriverAdapter, counter: RoundTripCounter): SqlDriverAdapter {
  const counted = countQueries(adapter, counter);
  return new Proxy(counted, {
    get(t, prop, receiver) {
      if (prop === 'startTransaction')
        return async (isolationLevel?: Parameters<SqlDriverAdapter['startTransaction']>[0]) => {
          counter.statements.push('BEGIN'); // both adapters send it themselves, past this wrapper
          const tx: Transaction = await adapter.startTransaction(isolationLevel);
          return countQueries(tx, counter);
        };
      return Reflect.get(t, prop, receiver);
    },
  });
}

/** A factory whose connections count every statement into `counter`. */
export function countingFactory(inner: SqlMigrationAwareDriverAdapterFactory, counter: RoundTripCounter): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => countingAdapter(await inner.connect(), counter),
    connectToShadowDb: () => inner.connectToShadowDb(),
  };
}

export interface CountingDatabaseKind {
  name: 'pglite' | 'postgresql';
  open(): Promise<{ database: Database; counter: RoundTripCounter }>;
}

/** PGlite always, PostgreSQL too when TEST_DATABASE_URL is set: migrated, with a counter on the client. */
export function countingDatabases(): CountingDatabaseKind[] {
  const kinds: CountingDatabaseKind[] = [
    {
      name: 'pglite',
      async open() {
        const pglite = new PGlite('memory://');
        const factory = new PrismaPGlite(pglite);
        await applyMigrations(factory);
        const counter = new RoundTripCounter();
        const prisma = new PrismaClient({ adapter: countingFactory(factory, counter) });
        const close = async () => {
          await prisma.$disconnect();
          await pglite.close();
        };
        return { counter, database: { prisma, kind: 'pglite', migrate: async () => [], close } };
      },
    },
  ];
  if (process.env.TEST_DATABASE_URL)
    kinds.push({
      name: 'postgresql',
      async open() {
        const fresh = (await freshPostgresUrl())!;
        const factory = new PrismaPg({ connectionString: fresh.url, max: 4 });
        await applyMigrations(factory);
        const counter = new RoundTripCounter();
        const prisma = new PrismaClient({ adapter: countingFactory(factory, counter) });
        const close = async () => {
          await prisma.$disconnect();
          await fresh.drop();
        };
        return { counter, database: { prisma, kind: 'postgresql', migrate: async () => [], close } };
      },
    });
  return kinds;
}
