/**
 * Opens the database: embedded PGlite in ./data when DATABASE_URL is unset, PostgreSQL otherwise.
 * Both go through Prisma driver adapters, so one schema and one client serve both.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from './generated/client.ts';
import { applyMigrations } from './schema-engine.ts';

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
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.url) {
    const factory = new PrismaPg({ connectionString: opts.url, max: 10 });
    const prisma = new PrismaClient({ adapter: factory });
    return {
      prisma,
      kind: 'postgresql',
      migrate: () => applyMigrations(factory),
      close: () => prisma.$disconnect(),
    };
  }
  const dataDir = opts.dataDir ?? './data/pglite';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite(dataDir);
  await pglite.waitReady;
  const factory: SqlMigrationAwareDriverAdapterFactory = new PrismaPGlite(pglite);
  const prisma = new PrismaClient({ adapter: factory });
  return {
    prisma,
    kind: 'pglite',
    migrate: () => applyMigrations(factory),
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}
