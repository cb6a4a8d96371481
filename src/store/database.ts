/**
 * Opens the database: embedded PGlite in ./data when DATABASE_URL is unset, PostgreSQL otherwise.
 * Both go through Prisma driver adapters, so one schema and one client serve both.
 *
 * The embedded folder is locked to one process (data-dir-lock.ts), and a new one is created and migrated
 * under a temporary name, then renamed: an interrupted first start leaves nothing half-made behind.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from './generated/client.ts';
import { applyMigrations, readMigrations } from './schema-engine.ts';
import { lockDataDir } from './data-dir-lock.ts';

export type Db = PrismaClient;
/** The transaction client handed to use cases inside `db.$transaction`. */
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export interface Database {
  prisma: PrismaClient;
  kind: 'pglite' | 'postgresql';
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgresql://… ; unset means embedded PGlite. */
  url?: string;
  /** Folder for PGlite; 'memory://' for a throwaway database. */
  dataDir?: string;
  /** A PGlite data folder dumped with `dumpDataDir` to start from (tests clone one migrated template this way). */
  loadDataDir?: Blob;
}

const require = createRequire(import.meta.url);
let artifacts: Pick<PGliteOptions, 'pgliteWasmModule' | 'fsBundle'> | undefined;
let initdb: Pick<PGliteOptions, 'initdbWasmModule'> | undefined;

/** PGlite's WebAssembly, compiled once per process: every further database opened (tests open hundreds) reuses it. */
function pgliteArtifacts(): Pick<PGliteOptions, 'pgliteWasmModule' | 'fsBundle'> {
  artifacts ??= {
    pgliteWasmModule: new WebAssembly.Module(readFileSync(require.resolve('@electric-sql/pglite/pglite.wasm'))),
    fsBundle: new Blob([readFileSync(require.resolve('@electric-sql/pglite/pglite.data'))]),
  };
  return artifacts;
}

/**
 * PostgreSQL's memory settings for one embedded user: its defaults are sized for a server with a hundred
 * connections (shared_buffers 128MB alone is a quarter of the idle process). The data files stay in the
 * operating system's page cache, so a small buffer pool costs little speed (bench:intake prints both).
 */
export const PGLITE_MEMORY_SETTINGS = ['shared_buffers=16MB', 'max_connections=10', 'wal_buffers=512kB', 'temp_buffers=1MB', 'maintenance_work_mem=16MB'];

/** initdb's WebAssembly, only for creating a database: a bot opening its existing folder never compiles it. */
function initdbArtifact(): Pick<PGliteOptions, 'initdbWasmModule'> {
  initdb ??= { initdbWasmModule: new WebAssembly.Module(readFileSync(require.resolve('@electric-sql/pglite/initdb.wasm'))) };
  return initdb;
}

async function openPGlite(dataDir: string, extra: Partial<PGliteOptions> = {}): Promise<PGlite> {
  const pglite = new PGlite(dataDir, { ...pgliteArtifacts(), postgresqlconf: PGLITE_MEMORY_SETTINGS, ...extra });
  await pglite.waitReady;
  return pglite;
}

/** A folder PostgreSQL has initialised (initdb writes PG_VERSION). */
function isInitialised(dir: string): boolean {
  return existsSync(path.join(dir, 'PG_VERSION'));
}

/**
 * Creates and migrates a new embedded database in `<dir>.creating`, then renames it to `dir`. A start
 * interrupted before the rename leaves only the temporary folder, which the next start deletes and redoes.
 */
async function createEmbedded(dir: string): Promise<string[]> {
  const creating = `${dir}.creating`;
  rmSync(creating, { recursive: true, force: true });
  const pglite = await openPGlite(creating, initdbArtifact());
  let applied: string[];
  try {
    applied = await applyMigrations(new PrismaPGlite(pglite));
  } finally {
    await pglite.close();
  }
  if (existsSync(dir)) {
    // a folder without PG_VERSION is what an interrupted initdb of an older version left: nothing to keep
    const aside = `${dir}.incomplete-${Date.now()}`;
    renameSync(dir, aside);
    rmSync(aside, { recursive: true, force: true });
  }
  renameSync(creating, dir);
  return applied;
}

/**
 * Migration names that every row of `_prisma_migrations` says are applied, or null when the table is
 * missing or holds a failed or rolled-back migration (then the schema engine decides).
 */
async function appliedMigrationNames(prisma: PrismaClient): Promise<Set<string> | null> {
  try {
    const rows = await prisma.$queryRawUnsafe<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }[]>(
      'SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations',
    );
    if (rows.some((r) => !r.finished_at || r.rolled_back_at)) return null;
    return new Set(rows.map((r) => r.migration_name));
  } catch {
    return null;
  }
}

/**
 * Applies pending migrations. When the database already lists every migration folder as applied, the
 * schema engine (WebAssembly, about a second to start) is not started at all.
 */
async function migrate(prisma: PrismaClient, factory: SqlMigrationAwareDriverAdapterFactory): Promise<string[]> {
  const applied = await appliedMigrationNames(prisma);
  if (applied && readMigrations().migrationDirectories.every((d) => applied.has(d.path))) return [];
  return applyMigrations(factory);
}

/**
 * An earlier version created the embedded database in place, so a first start interrupted during its
 * first migration left a folder whose every start fails. Say so, and what to do, instead of Prisma's P3009.
 */
async function explainNeverCreated(prisma: PrismaClient, dataDir: string, error: unknown): Promise<unknown> {
  try {
    const [row] = await prisma.$queryRawUnsafe<{ finished: bigint }[]>('SELECT count(*) AS finished FROM _prisma_migrations WHERE finished_at IS NOT NULL');
    if (row && Number(row.finished) === 0)
      return new Error(`the embedded database in ${dataDir} was never fully created (its first start was interrupted) and holds no data: delete that folder and start again`, { cause: error });
  } catch {
    /* no migrations table: report the original error */
  }
  return error;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.url) {
    const factory = new PrismaPg({ connectionString: opts.url, max: 10 });
    const prisma = new PrismaClient({ adapter: factory });
    return {
      prisma,
      kind: 'postgresql',
      migrate: () => migrate(prisma, factory),
      close: () => prisma.$disconnect(),
    };
  }
  const dataDir = opts.dataDir ?? './data/pglite';
  const inMemory = dataDir.startsWith('memory://');
  let release = () => {};
  let createdNow: string[] = [];
  if (!inMemory) {
    mkdirSync(path.dirname(path.resolve(dataDir)), { recursive: true });
    release = lockDataDir(path.resolve(dataDir));
  }
  let pglite: PGlite;
  try {
    if (!inMemory && !opts.loadDataDir && !isInitialised(dataDir)) createdNow = await createEmbedded(dataDir);
    else if (!inMemory && existsSync(`${dataDir}.creating`)) rmSync(`${dataDir}.creating`, { recursive: true, force: true });
    pglite = await openPGlite(dataDir, opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : inMemory ? initdbArtifact() : {});
  } catch (error) {
    release();
    throw error;
  }
  const factory: SqlMigrationAwareDriverAdapterFactory = new PrismaPGlite(pglite);
  const prisma = new PrismaClient({ adapter: factory });
  return {
    prisma,
    kind: 'pglite',
    async migrate() {
      let applied: string[];
      try {
        applied = await migrate(prisma, factory);
      } catch (error) {
        throw await explainNeverCreated(prisma, dataDir, error);
      }
      const names = [...createdNow, ...applied];
      createdNow = [];
      return names;
    },
    close: async () => {
      try {
        await prisma.$disconnect();
        await pglite.close();
      } finally {
        release();
      }
    },
  };
}

/**
 * Writes the embedded database to `file` (a .tar.gz of PGlite's data folder). It takes the folder's lock,
 * so it refuses while the bot runs on it: stop the bot, snapshot, start again (a few seconds).
 */
export async function snapshotEmbedded(dataDir: string, file: string): Promise<number> {
  const dir = path.resolve(dataDir);
  if (!isInitialised(dir)) throw new Error(`there is no embedded database in ${dir}`);
  const release = lockDataDir(dir);
  try {
    const pglite = await openPGlite(dir);
    try {
      const tar = Buffer.from(await (await pglite.dumpDataDir('gzip')).arrayBuffer());
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      writeFileSync(`${file}.partial`, tar);
      renameSync(`${file}.partial`, file);
      return tar.length;
    } finally {
      await pglite.close();
    }
  } finally {
    release();
  }
}

/**
 * Replaces the embedded database with a snapshot. The snapshot is loaded into `<dir>.restoring` first and
 * renamed into place only once PGlite has opened it; the database it replaces is kept as `<dir>.before-restore-<time>`.
 */
export async function restoreEmbedded(file: string, dataDir: string): Promise<string | null> {
  const dir = path.resolve(dataDir);
  mkdirSync(path.dirname(dir), { recursive: true });
  const release = lockDataDir(dir);
  try {
    const restoring = `${dir}.restoring`;
    rmSync(restoring, { recursive: true, force: true });
    const pglite = await openPGlite(restoring, { loadDataDir: new Blob([readFileSync(file)]) });
    await pglite.query('SELECT 1');
    await pglite.close();
    let kept: string | null = null;
    if (existsSync(dir)) {
      kept = `${dir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(dir, kept);
    }
    renameSync(restoring, dir);
    return kept;
  } finally {
    release();
  }
}
