/**
 * `npm run db:restore -- <file>`: replaces the embedded database ($DATA_DIR/pglite) with a snapshot from
 * `npm run db:snapshot`. Stop the bot first. The database it replaces is kept beside it, renamed.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { loadEnv, ConfigError } from '../src/config/load.ts';
import { restoreEmbedded } from '../src/store/database.ts';

try {
  const file = process.argv[2];
  if (!file || !existsSync(file)) throw new Error(`usage: npm run db:restore -- <snapshot.tar.gz>${file ? ` (${file} does not exist)` : ''}`);
  const env = loadEnv();
  if (env.DATABASE_URL) throw new Error('DATABASE_URL is set: restore PostgreSQL with pg_restore or psql (see the README)');
  const kept = await restoreEmbedded(file, path.join(env.DATA_DIR, 'pglite'));
  console.log(`restored ${file} into ${path.join(env.DATA_DIR, 'pglite')}${kept ? `; the previous database is kept in ${kept}` : ''}. Start the bot: it applies any newer migrations.`);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `restore failed: ${(error as Error).message}`);
  process.exit(1);
}
