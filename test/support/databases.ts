/**
 * Real databases for tests: a fresh in-memory PGlite always, and a fresh PostgreSQL database per call
 * when TEST_DATABASE_URL is set (created on that server, dropped on close). Both are clones of the
 * database migrated once per run by test/support/global-setup.ts, not migrated again.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/store/database.ts';

export interface TestDatabaseKind {
  name: 'pglite' | 'postgresql';
  open(): Promise<Database>;
}

let template: Blob | undefined;

/** What test/support/global-setup.ts provided; nothing outside vitest (the benches use these helpers too). */
function provided<K extends 'pgliteTemplateDir' | 'pgliteTemplateTar' | 'postgresTemplate'>(key: K): string | undefined {
  try {
    return inject(key) || undefined;
  } catch {
    return undefined;
  }
}

/** The migrated template as a tarball, read once per test worker. */
function pgliteTemplate(): Blob | undefined {
  const file = provided('pgliteTemplateTar');
  if (!file) return undefined;
  template ??= new Blob([readFileSync(file)]);
  return template;
}

/** A fresh in-memory PGlite with every migration applied. */
export async function openTestPglite(): Promise<Database> {
  const loadDataDir = pgliteTemplate();
  const db = await openDatabase({ dataDir: 'memory://', loadDataDir });
  await db.migrate(); // a no-op on the template; migrates when run without the global setup
  return db;
}

/** Copies the migrated template into `<dataDir>/pglite`, where startBot opens the embedded database. */
export function seedEmbeddedDataDir(dataDir: string): void {
  const dir = provided('pgliteTemplateDir');
  if (dir) cpSync(dir, path.join(dataDir, 'pglite'), { recursive: true });
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
  const kinds: TestDatabaseKind[] = [{ name: 'pglite', open: openTestPglite }];
  const url = process.env.TEST_DATABASE_URL;
  if (url) kinds.push({ name: 'postgresql', open: openPostgres });
  return kinds;
}

/** A fresh PostgreSQL database URL (already migrated: a copy of the run's template) for tests that run the whole bot on PostgreSQL. */
export async function freshPostgresUrl(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return null;
  const name = `cb_test_${randomBytes(6).toString('hex')}`;
  const from = provided('postgresTemplate');
  const admin = new pg.Client(base);
  await admin.connect();
  await admin.query(from ? `CREATE DATABASE ${name} TEMPLATE ${from}` : `CREATE DATABASE ${name}`);
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
