/**
 * vitest globalSetup: migrates one embedded database (and, with TEST_DATABASE_URL, one PostgreSQL
 * database) once per run. Tests clone them (test/support/databases.ts) instead of creating and migrating
 * their own: creating a PGlite database alone takes 4–12 s on a busy 2-core machine, cloning about 1 s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/store/database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite data folder, to copy into a bot's DATA_DIR. */
    pgliteTemplateDir: string;
    /** The same database dumped with `dumpDataDir`, to load into an in-memory PGlite. */
    pgliteTemplateTar: string;
    /** A migrated PostgreSQL database to `CREATE DATABASE … TEMPLATE` from ('' without TEST_DATABASE_URL). */
    postgresTemplate: string;
  }
}

let cleanup: (() => Promise<void>) | undefined;

export async function setup(project: TestProject): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'complaint-bot-template-'));
  const dir = path.join(root, 'pglite');
  const db = await openDatabase({ dataDir: dir });
  await db.migrate();
  // dumpDataDir is PGlite's; the Database interface hides PGlite, so dump through a second handle after closing
  await db.close();
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = new PGlite(dir);
  await pglite.waitReady;
  const tar = await pglite.dumpDataDir('none');
  await pglite.close();
  const tarFile = path.join(root, 'pglite.tar');
  writeFileSync(tarFile, Buffer.from(await tar.arrayBuffer()));

  let postgresTemplate = '';
  const base = process.env.TEST_DATABASE_URL;
  if (base) {
    postgresTemplate = `cb_template_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client(base);
    await admin.connect();
    await admin.query(`CREATE DATABASE ${postgresTemplate}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${postgresTemplate}`;
    const tdb = await openDatabase({ url: url.toString() });
    await tdb.migrate();
    await tdb.close();
  }
  project.provide('pgliteTemplateDir', dir);
  project.provide('pgliteTemplateTar', tarFile);
  project.provide('postgresTemplate', postgresTemplate);
  cleanup = async () => {
    rmSync(root, { recursive: true, force: true });
    if (base && postgresTemplate) {
      const admin = new pg.Client(base);
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${postgresTemplate} WITH (FORCE)`);
      await admin.end();
    }
  };
}

export async function teardown(): Promise<void> {
  await cleanup?.();
}
