/**
 * The export from the command line (`npm run export -- --from 2026-11-01 --to 2026-11-30 --out file.xlsx`,
 * or `--period 2026-Q4`; `--full` for full phone numbers): the same workbook as `/export` in the
 * managers' chat, written to a file, and recorded in the access log under the operating-system user.
 * `--access` writes the access log of the period instead (src/app/records/export-access-log.ts).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Db } from '../../store/database.ts';
import type { AppConfig } from '../../config/schema.ts';
import { parseReportPeriod, type ReportPeriod } from '../../domain/report-period.ts';
import { exportFileName, writeComplaintExport, type ExportResult } from './export-complaints.ts';
import { recordAccess } from './record-access.ts';
import { accessLogFileName, writeAccessLogExport } from './export-access-log.ts';

export interface ExportArgs {
  period: ReportPeriod;
  out: string;
  fullData: boolean;
  /** the access log instead of the complaints (`--access`) */
  access?: boolean;
}

const USAGE = 'usage: npm run export -- (--from YYYY-MM-DD --to YYYY-MM-DD | --period 2026-11|2026-Q4|2026) [--out file.xlsx] [--full | --access]';

/** Reads the command line; returns the arguments or a message naming what is wrong. */
export function parseExportArgs(argv: string[], now: Date, timeZone: string): ExportArgs | { error: string } {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) return { error: `unexpected argument "${a}"\n${USAGE}` };
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (name === 'full' || name === 'help' || name === 'access') flags.set(name, true);
    else if (['from', 'to', 'period', 'out'].includes(name)) {
      const value = inline ?? argv[++i];
      if (!value || value.startsWith('--')) return { error: `--${name} needs a value\n${USAGE}` };
      flags.set(name, value);
    } else return { error: `unknown option --${name}\n${USAGE}` };
  }
  if (flags.has('help')) return { error: USAGE };
  const from = flags.get('from') as string | undefined;
  const to = flags.get('to') as string | undefined;
  const periodText = flags.get('period') as string | undefined;
  if (periodText && (from || to)) return { error: `--period and --from/--to exclude each other\n${USAGE}` };
  if (!periodText && !(from && to)) return { error: `give --from and --to, or --period\n${USAGE}` };
  const text = periodText ?? `${from}..${to}`;
  const parsed = parseReportPeriod(text, now, timeZone);
  if (!parsed.ok) {
    const why = parsed.reason === 'order' ? '--from is after --to' : parsed.reason === 'future' ? 'the period has not begun' : `"${text}" is not a period (dates are YYYY-MM-DD)`;
    return { error: `${why}\n${USAGE}` };
  }
  const fullData = flags.has('full');
  if (flags.has('access')) {
    if (fullData) return { error: `--access and --full exclude each other (the access log has no phone numbers)\n${USAGE}` };
    return { period: parsed.period, fullData: false, access: true, out: (flags.get('out') as string | undefined) ?? accessLogFileName(parsed.period) };
  }
  return { period: parsed.period, fullData, out: (flags.get('out') as string | undefined) ?? exportFileName({ period: parsed.period, fullData }) };
}

export async function exportComplaintsToFile(db: Db, config: AppConfig, args: ExportArgs, opts: { operator: string; now: Date }): Promise<ExportResult & { entries?: number }> {
  const file = createWriteStream(args.out);
  const closed = once(file, 'close');
  if (args.access) {
    const written = await writeAccessLogExport(db, config, { period: args.period, generatedAt: opts.now }, file);
    await closed;
    await recordAccess(db, {
      kind: 'access_export',
      actor: { id: `cli:${opts.operator}`, name: opts.operator },
      at: opts.now,
      details: { period: args.period.label, from: args.period.start.toISOString(), to: args.period.end.toISOString(), file: args.out, entries: written.entries },
    });
    return { complaints: 0, events: 0, entries: written.entries };
  }
  const result = await writeComplaintExport(db, config, { period: args.period, fullData: args.fullData, generatedAt: opts.now }, file);
  await closed;
  await recordAccess(db, {
    kind: args.fullData ? 'export_full' : 'export',
    actor: { id: `cli:${opts.operator}`, name: opts.operator },
    at: opts.now,
    details: { period: args.period.label, from: args.period.start.toISOString(), to: args.period.end.toISOString(), file: args.out, complaints: result.complaints, events: result.events },
  });
  return result;
}
