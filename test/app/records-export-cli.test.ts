/**
 * `npm run export` (issue 10, item 6): the command line writes the same workbook to a file, from the
 * embedded PGlite folder or PostgreSQL, and records the export in the access log; wrong arguments get a
 * message naming them and exit code 2.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/store/database.ts';
import { freshPostgresUrl } from '../support/databases.ts';
import { testContext, TestClock } from '../support/context.ts';
import { seedReportFixtures } from '../jobs/report-fixtures.ts';
import { sh } from '../jobs/support.ts';
import { parseExportArgs } from '../../src/app/records/export-complaints-to-file.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

const kinds: { name: string; open(dir: string): Promise<{ db: Database; env: Record<string, string>; drop(): Promise<void> }> }[] = [
  { name: 'pglite', open: async (dir) => ({ db: await openDatabase({ dataDir: path.join(dir, 'pglite') }), env: { DATA_DIR: dir }, drop: async () => {} }) },
];
if (process.env.TEST_DATABASE_URL)
  kinds.push({
    name: 'postgresql',
    open: async () => {
      const fresh = (await freshPostgresUrl())!;
      return { db: await openDatabase({ url: fresh.url }), env: { DATABASE_URL: fresh.url }, drop: fresh.drop };
    },
  });

describe('export arguments', () => {
  const now = sh('2026-12-01 10:00');
  const tz = 'Asia/Shanghai';
  it('reads --from/--to (both days included), --period, --out and --full', () => {
    const a = parseExportArgs(['--from', '2026-11-01', '--to', '2026-11-30', '--out', 'nov.xlsx'], now, tz);
    expect(a).toMatchObject({ out: 'nov.xlsx', fullData: false, period: { start: sh('2026-11-01 00:00'), end: sh('2026-12-01 00:00') } });
    expect(parseExportArgs(['--period=2026-Q4', '--full'], now, tz)).toMatchObject({ out: 'complaints-2026-Q4-full.xlsx', fullData: true });
  });
  it('names what is wrong', () => {
    const error = (argv: string[]) => ('error' in parseExportArgs(argv, now, tz) ? (parseExportArgs(argv, now, tz) as { error: string }).error.split('\n')[0] : 'ok');
    expect(error([])).toBe('give --from and --to, or --period');
    expect(error(['--from', '2026-11-01'])).toBe('give --from and --to, or --period');
    expect(error(['--from', '2026-11-31', '--to', '2026-12-01'])).toBe('"2026-11-31..2026-12-01" is not a period (dates are YYYY-MM-DD)');
    expect(error(['--from', '2026-11-10', '--to', '2026-11-01'])).toBe('--from is after --to');
    expect(error(['--period', '2027'])).toBe('the period has not begun');
    expect(error(['--out'])).toBe('--out needs a value');
    expect(error(['--bogus'])).toBe('unknown option --bogus');
    expect(error(['--period', '2026-11', '--from', '2026-11-01'])).toBe('--period and --from/--to exclude each other');
  });
});

describe.each(kinds)('npm run export on $name', (kind) => {
  it('writes the workbook and records the export', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cb-export-'));
    const opened = await kind.open(dir);
    await opened.db.migrate();
    const ctx = await testContext(opened.db, new TestClock(sh('2026-12-01 10:00')));
    const numbers = await seedReportFixtures(ctx);
    await ctx.db.complaint.update({ where: { id: numbers.c1!.id }, data: { contactPhone: '13812345678' } });
    await opened.db.close();
    const out = path.join(dir, 'november.xlsx');
    try {
      const { stdout } = await run('npx', ['tsx', 'scripts/export.ts', '--from', '2026-11-01', '--to', '2026-11-30', '--out', out, '--full'], {
        cwd: ROOT,
        env: { ...process.env, ...opened.env, CONFIG_FILE: 'complaint-bot.example.yaml' },
      });
      expect(stdout).toMatch(/^wrote .*november\.xlsx: 8 complaints, 6 events \(2026-11-01\.\.2026-11-30, full phone numbers\)/);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(out);
      const sheet = wb.getWorksheet('complaints')!;
      expect(sheet.rowCount).toBe(9);
      expect(sheet.getRow(2).getCell(1).value).toBe(numbers.c1!.number);
      expect(sheet.getRow(2).getCell(9).value).toBe('13812345678');
      expect(wb.getWorksheet('events')!.rowCount).toBe(7);

      const bad = await run('npx', ['tsx', 'scripts/export.ts', '--from', '2026-11-10', '--to', '2026-11-01'], { cwd: ROOT, env: { ...process.env, ...opened.env } }).catch((e: { code: number; stderr: string }) => e);
      expect((bad as { code: number }).code).toBe(2);
      expect((bad as { stderr: string }).stderr).toContain('--from is after --to');

      const again = kind.name === 'pglite' ? await openDatabase({ dataDir: path.join(dir, 'pglite') }) : await openDatabase({ url: opened.env.DATABASE_URL! });
      const log = await again.prisma.accessLog.findMany();
      await again.close();
      expect(log).toHaveLength(1);
      expect(log[0]!.kind).toBe('export_full');
      expect(log[0]!.actor).toMatch(/^cli:/);
      expect(log[0]!.details).toMatchObject({ period: '2026-11-01..2026-11-30', complaints: 8, events: 6 });
      expect(existsSync(out)).toBe(true);
    } finally {
      await opened.drop();
    }
  });
});
