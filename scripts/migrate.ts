/** `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded PGlite in DATA_DIR. */
import path from 'node:path';
import { loadEnv, ConfigError } from '../src/config/load.ts';
import { openDatabase } from '../src/store/database.ts';

try {
  const env = loadEnv();
  const db = await openDatabase({ url: env.DATABASE_URL, dataDir: path.join(env.DATA_DIR, 'pglite') });
  const applied = await db.migrate();
  console.log(applied.length ? `applied ${applied.length} migration(s) to ${db.kind}: ${applied.join(', ')}` : `${db.kind}: no pending migrations`);
  await db.close();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `migration failed: ${(error as Error).message}`);
  process.exit(1);
}
