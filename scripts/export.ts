/**
 * `npm run export -- --from 2026-11-01 --to 2026-11-30 --out november.xlsx [--full]` (or `--period 2026-Q4`;
 * `--access` for the access log instead):
 * writes the complaints export (src/app/records/export-complaints.ts) from DATABASE_URL, or the embedded
 * PGlite in DATA_DIR, with the config of CONFIG_FILE. The export is recorded in the access log.
 */
import os from 'node:os';
import path from 'node:path';
import { loadConfigFile, loadEnv, ConfigError } from '../src/config/load.ts';
import { openDatabase } from '../src/store/database.ts';
import { exportComplaintsToFile, parseExportArgs } from '../src/app/records/export-complaints-to-file.ts';

try {
  const env = loadEnv();
  const config = loadConfigFile(env.CONFIG_FILE);
  const now = new Date();
  const args = parseExportArgs(process.argv.slice(2), now, config.calendar.timeZone);
  if ('error' in args) {
    console.error(args.error);
    process.exit(2);
  }
  const db = await openDatabase({ url: env.DATABASE_URL, dataDir: path.join(env.DATA_DIR, 'pglite') });
  try {
    const started = performance.now();
    const result = await exportComplaintsToFile(db.prisma, config, args, { operator: os.userInfo().username, now });
    if (args.access) console.log(`wrote ${args.out}: ${result.entries} access log entries (${args.period.label}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    else console.log(
      `wrote ${args.out}: ${result.complaints} complaints, ${result.events} events (${args.period.label}${args.fullData ? ', full phone numbers' : ', phones masked'}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await db.close();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `export failed: ${(error as Error).message}`);
  process.exit(1);
}
