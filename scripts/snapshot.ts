/**
 * `npm run db:snapshot [-- <file>]`: writes the embedded database (PGlite in $DATA_DIR/pglite) to a
 * .tar.gz, by default backups/pglite-<time>.tar.gz. Stop the bot first: the folder is locked while it runs.
 * For PostgreSQL use pg_dump (see the README).
 */
import path from 'node:path';
import { loadEnv, ConfigError } from '../src/config/load.ts';
import { snapshotEmbedded } from '../src/store/database.ts';

try {
  if (process.argv[2] === '--help') {
    console.log('usage: npm run db:snapshot [-- <file.tar.gz>]');
    process.exit(0);
  }
  const env = loadEnv();
  if (env.DATABASE_URL) throw new Error('DATABASE_URL is set: this database is PostgreSQL; back it up with pg_dump (see the README)');
  const file = process.argv[2] ?? path.join('backups', `pglite-${new Date().toISOString().replace(/[:.]/g, '-')}.tar.gz`);
  const bytes = await snapshotEmbedded(path.join(env.DATA_DIR, 'pglite'), file);
  console.log(`wrote ${file} (${(bytes / 1e6).toFixed(1)} MB); restore it with: npm run db:restore -- ${file}`);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `snapshot failed: ${(error as Error).message}`);
  process.exit(1);
}
