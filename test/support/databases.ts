/**
 * Real databases for tests: a fresh in-memory PGlite always, and a fresh PostgreSQL database per call
 * when TEST_DATABASE_URL is set (created on that server, dropped on close).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/store/database.ts';

export interface TestDatabaseKind {
  name: 'pglite' | 'postgresql';
  open(): Promise<Database>;
}

async function openPostgres(): Promise<Database> {
  const fresh = (await freshPostgresUrl())!;
  const db = await openDatabase({ url: fresh.url });
  await db.migrate();
  return {
    ...db,
    async close() {
      await db.close();
      await fresh.drop();
    },
  };
}

export function testDatabases(): TestDatabaseKind[] {
  const kinds: TestDatabaseKind[] = [
    {
      name: 'pglite',
      async open() {
        const db = await openDatabase({ dataDir: 'memory://' });
        await db.migrate();
        return db;
      },
    },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) kinds.push({ name: 'postgresql', open: openPostgres });
  return kinds;
}

/** A fresh PostgreSQL database URL (already migrated) for tests that run the whole bot on PostgreSQL. */
export async function freshPostgresUrl(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return null;
  const name = `cb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client(base);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client(base);
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
