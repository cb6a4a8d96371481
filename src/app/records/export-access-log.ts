/**
 * The access log export (个人信息保护法 art. 50, proof): every view of an unmasked phone, every export,
 * every de-identification and every request of a customer about their data in a period, as an .xlsx with
 * one row per entry — when (company wall-clock time), what, who, which complaint and customer, details.
 * `/export access 2026-11` in the managers' chat (managers only) and `npm run export -- --access …`.
 * Streamed like the complaints export: batches by id, never the whole log in memory.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Db } from '../../store/database.ts';
import type { AppConfig } from '../../config/schema.ts';
import type { ReportPeriod } from '../../domain/report-period.ts';
import { t, type MessageKey } from '../../i18n/index.ts';
import { localClock, workbookBytes } from './export-complaints.ts';

const BATCH = 2000;
export const ACCESS_SHEET = 'access';

const COLUMNS: { key: string; header: MessageKey; width: number; date?: boolean }[] = [
  { key: 'at', header: 'access.col.at', width: 17, date: true },
  { key: 'kind', header: 'access.col.kind', width: 16 },
  { key: 'actor', header: 'access.col.actor', width: 26 },
  { key: 'actorName', header: 'access.col.actorName', width: 12 },
  { key: 'complaint', header: 'access.col.complaint', width: 20 },
  { key: 'customer', header: 'access.col.customer', width: 10 },
  { key: 'details', header: 'access.col.details', width: 80 },
];

export async function writeAccessLogExport(db: Db, config: AppConfig, opts: { period: ReportPeriod; generatedAt: Date }, out: Writable): Promise<{ entries: number }> {
  const lang = config.defaultLanguage;
  const tz = config.calendar.timeZone;
  const local = localClock(tz);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = config.company.name;
  workbook.created = opts.generatedAt;
  const sheet = workbook.addWorksheet(ACCESS_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map((c) => ({
    key: c.key,
    header: c.date ? `${t(lang, c.header)} (${tz})` : t(lang, c.header),
    width: c.width,
    ...(c.date ? { style: { numFmt: 'yyyy-mm-dd hh:mm:ss' } } : {}),
  }));
  let entries = 0;
  for (let after = 0; ; ) {
    const batch = await db.accessLog.findMany({ where: { at: { gte: opts.period.start, lt: opts.period.end }, id: { gt: after } }, orderBy: { id: 'asc' }, take: BATCH });
    const ids = [...new Set(batch.map((e) => e.complaintId).filter((id): id is number => id !== null))];
    const numbers = new Map((ids.length ? await db.complaint.findMany({ where: { id: { in: ids } }, select: { id: true, number: true } }) : []).map((c) => [c.id, c.number]));
    for (const e of batch) {
      const kindKey = `access.kind.${e.kind}` as MessageKey;
      const kind = t(lang, kindKey) === kindKey ? e.kind : t(lang, kindKey);
      const details = e.details && typeof e.details === 'object' && Object.keys(e.details).length ? JSON.stringify(e.details) : null;
      sheet
        .addRow({ at: local(e.at), kind, actor: e.actor, actorName: e.actorName, complaint: e.complaintId ? (numbers.get(e.complaintId) ?? String(e.complaintId)) : null, customer: e.customerId, details })
        .commit();
    }
    entries += batch.length;
    if (batch.length < BATCH) break;
    after = batch[batch.length - 1]!.id;
  }
  sheet.commit();
  await workbook.commit();
  return { entries };
}

export async function buildAccessLogExport(db: Db, config: AppConfig, opts: { period: ReportPeriod; generatedAt: Date }): Promise<{ data: Buffer; entries: number }> {
  return workbookBytes((out) => writeAccessLogExport(db, config, opts, out));
}

/** access-log-2026-11.xlsx */
export function accessLogFileName(period: Pick<ReportPeriod, 'label'>): string {
  return `access-log-${period.label.replace(/\.\./g, '_')}.xlsx`;
}
