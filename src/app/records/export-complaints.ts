/**
 * The complaints export (数据导出): an .xlsx workbook with one row per complaint registered in the
 * period — every field, status, department, handler, each deadline and whether it was met, cause,
 * measure, compensation, rating — and a second sheet with every audit event of those complaints.
 * Phones are masked unless full data was asked for (the caller checks who may, and logs it).
 *
 * Written with exceljs' streaming writer, reading the database in batches by id, so 100,000 complaints
 * never sit in memory at once (bench/export.ts). Times are written as the company's local wall-clock
 * time (Excel has no time zones), with the zone named in the header.
 */
import type { Writable } from 'node:stream';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Db } from '../../store/database.ts';
import type { AppConfig } from '../../config/schema.ts';
import { maskPhone } from '../../domain/phone.ts';
import type { ReportPeriod } from '../../domain/report-period.ts';
import { t, type Language, type MessageKey } from '../../i18n/index.ts';
import { localizedName } from '../shared/localized.ts';

const BATCH = 2000;
export const COMPLAINT_SHEET = 'complaints';
export const EVENT_SHEET = 'events';

export interface ExportOptions {
  period: ReportPeriod;
  /** full phone numbers (only for a manager who asked; logged by the caller) */
  fullData: boolean;
  generatedAt: Date;
}

export interface ExportResult {
  complaints: number;
  events: number;
}

type ComplaintRow = Awaited<ReturnType<typeof loadBatch>>[number];

function loadBatch(db: Db, period: ReportPeriod, after: number) {
  return db.complaint.findMany({
    where: { registeredAt: { gte: period.start, lt: period.end }, id: { gt: after } },
    orderBy: { id: 'asc' },
    take: BATCH,
    include: { customer: { select: { displayName: true, phone: true } }, department: { select: { name: true } } },
  });
}

/** UTC instant → a Date whose UTC fields are the local wall-clock time (what Excel shows). Offsets cached per hour. */
export function localClock(timeZone: string): (d: Date | null) => Date | null {
  const cache = new Map<number, number>();
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const offsetAt = (ms: number) => {
    const hour = Math.floor(ms / 3_600_000);
    let off = cache.get(hour);
    if (off === undefined) {
      const p = Object.fromEntries(fmt.formatToParts(new Date(hour * 3_600_000)).map((x) => [x.type, x.value]));
      off = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - hour * 3_600_000;
      cache.set(hour, off);
    }
    return off;
  };
  return (d) => (d ? new Date(d.getTime() + offsetAt(d.getTime())) : null);
}

/**
 * Was a deadline met: done by then → true; done later → false; not done: past due → false, still running
 * (or the complaint ended without it: rejected, withdrawn) → null.
 */
export function deadlineMet(done: Date | null, due: Date | null, now: Date, ended = false): boolean | null {
  if (!due) return null;
  if (done) return done.getTime() <= due.getTime();
  if (ended) return null;
  return due.getTime() < now.getTime() ? false : null;
}

/** Rejected, or closed without a resolution (withdrawn): its open clocks were never judged. */
const endedUnresolved = (c: { status: string; resolvedAt: Date | null }) => c.status === 'rejected' || (c.status === 'closed' && !c.resolvedAt);

interface Column {
  key: string;
  header: MessageKey;
  width: number;
  date?: boolean;
  value: (c: ComplaintRow) => string | number | boolean | Date | null;
}

function complaintColumns(config: AppConfig, lang: Language, opts: ExportOptions, local: (d: Date | null) => Date | null): Column[] {
  const name = (list: { id: string; name: string | { zh: string; en: string } }[], id: string | null) => {
    if (!id) return null;
    const found = list.find((x) => x.id === id);
    return found ? localizedName(found.name, lang) : id;
  };
  const label = (key: string) => (t(lang, key as MessageKey) === key ? null : t(lang, key as MessageKey));
  const now = opts.generatedAt;
  const phone = (c: ComplaintRow) => {
    const p = c.contactPhone ?? c.customer.phone;
    if (!p) return null;
    return opts.fullData ? p : maskPhone(p);
  };
  const d = (x: Date | null) => local(x);
  return [
    { key: 'number', header: 'export.col.number', width: 20, value: (c) => c.number },
    { key: 'status', header: 'export.col.status', width: 12, value: (c) => label(`card.status.${c.status}`) ?? c.status },
    { key: 'channel', header: 'export.col.channel', width: 10, value: (c) => label(`channel.${c.channel}`) ?? c.channel },
    { key: 'category', header: 'export.col.category', width: 14, value: (c) => name(config.categories, c.category) },
    { key: 'severity', header: 'export.col.severity', width: 8, value: (c) => label(`card.severity.${c.severity}`) ?? c.severity },
    { key: 'department', header: 'export.col.department', width: 10, value: (c) => c.department.name },
    { key: 'handler', header: 'export.col.handler', width: 10, value: (c) => c.handlerName },
    { key: 'customer', header: 'export.col.customer', width: 14, value: (c) => c.customer.displayName },
    { key: 'phone', header: 'export.col.phone', width: 16, value: phone },
    { key: 'subject', header: 'export.col.subject', width: 16, value: (c) => c.subject },
    { key: 'description', header: 'export.col.description', width: 40, value: (c) => c.description },
    { key: 'desiredOutcome', header: 'export.col.desiredOutcome', width: 24, value: (c) => c.desiredOutcome },
    { key: 'occurredAt', header: 'export.col.occurredAt', width: 14, value: (c) => c.occurredAt },
    { key: 'address', header: 'export.col.address', width: 24, value: (c) => c.address },
    { key: 'requestedReplyBy', header: 'export.col.requestedReplyBy', width: 14, value: (c) => c.requestedReplyBy },
    { key: 'registeredAt', header: 'export.col.registeredAt', width: 17, date: true, value: (c) => d(c.registeredAt) },
    { key: 'acceptDueAt', header: 'export.col.acceptDueAt', width: 17, date: true, value: (c) => d(c.acceptDueAt) },
    { key: 'acceptedAt', header: 'export.col.acceptedAt', width: 17, date: true, value: (c) => d(c.acceptedAt) },
    { key: 'acceptMet', header: 'export.col.acceptMet', width: 8, value: (c) => deadlineMet(c.acceptedAt, c.acceptDueAt, now, endedUnresolved(c)) },
    { key: 'firstReplyDueAt', header: 'export.col.firstReplyDueAt', width: 17, date: true, value: (c) => d(c.firstReplyDueAt) },
    { key: 'firstReplyAt', header: 'export.col.firstReplyAt', width: 17, date: true, value: (c) => d(c.firstReplyAt) },
    { key: 'firstReplyMet', header: 'export.col.firstReplyMet', width: 8, value: (c) => deadlineMet(c.firstReplyAt, c.firstReplyDueAt, now, endedUnresolved(c)) },
    { key: 'resolveDueAt', header: 'export.col.resolveDueAt', width: 17, date: true, value: (c) => d(c.resolveDueAt) },
    { key: 'resolvedAt', header: 'export.col.resolvedAt', width: 17, date: true, value: (c) => d(c.resolvedAt) },
    { key: 'resolveMet', header: 'export.col.resolveMet', width: 8, value: (c) => deadlineMet(c.resolvedAt, c.resolveDueAt, now, endedUnresolved(c)) },
    { key: 'hardLimitAt', header: 'export.col.hardLimitAt', width: 17, date: true, value: (c) => d(c.hardLimitAt) },
    { key: 'hardLimitMet', header: 'export.col.hardLimitMet', width: 8, value: (c) => deadlineMet(c.resolvedAt, c.hardLimitAt, now, endedUnresolved(c)) },
    { key: 'deadlineExtended', header: 'export.col.deadlineExtended', width: 8, value: (c) => c.deadlineExtended },
    { key: 'escalationTier', header: 'export.col.escalationTier', width: 8, value: (c) => c.escalationTier },
    { key: 'closedAt', header: 'export.col.closedAt', width: 17, date: true, value: (c) => d(c.closedAt) },
    { key: 'closeReason', header: 'export.col.closeReason', width: 12, value: (c) => c.closeReason },
    { key: 'rejectReason', header: 'export.col.rejectReason', width: 16, value: (c) => (c.rejectReason ? (label(`staff.rejectReason.${c.rejectReason}`) ?? c.rejectReason) : null) },
    { key: 'resolution', header: 'export.col.resolution', width: 40, value: (c) => c.resolution },
    { key: 'cause', header: 'export.col.cause', width: 14, value: (c) => name(config.resolution.causes, c.causeCategory) },
    { key: 'causeDetail', header: 'export.col.causeDetail', width: 24, value: (c) => c.causeDetail },
    { key: 'measure', header: 'export.col.measure', width: 30, value: (c) => c.improvement },
    { key: 'compensationKind', header: 'export.col.compensationKind', width: 12, value: (c) => name(config.resolution.compensationKinds, c.compensationKind) },
    { key: 'compensationAmount', header: 'export.col.compensationAmount', width: 12, value: (c) => (c.compensationCents === null ? null : c.compensationCents / 100) },
    { key: 'rating', header: 'export.col.rating', width: 6, value: (c) => c.rating },
    { key: 'ratingComment', header: 'export.col.ratingComment', width: 24, value: (c) => c.ratingComment },
    { key: 'ratedAt', header: 'export.col.ratedAt', width: 17, date: true, value: (c) => d(c.ratedAt) },
  ];
}

const EVENT_COLUMNS: { key: string; header: MessageKey; width: number; date?: boolean }[] = [
  { key: 'number', header: 'export.col.number', width: 20 },
  { key: 'at', header: 'export.event.at', width: 17, date: true },
  { key: 'type', header: 'export.event.type', width: 18 },
  { key: 'fromStatus', header: 'export.event.fromStatus', width: 12 },
  { key: 'toStatus', header: 'export.event.toStatus', width: 12 },
  { key: 'actor', header: 'export.event.actor', width: 24 },
  { key: 'actorName', header: 'export.event.actorName', width: 12 },
  { key: 'details', header: 'export.event.details', width: 60 },
];

const DATE_FORMAT = 'yyyy-mm-dd hh:mm';

/** Writes the workbook to `out` (a file, or a buffer for the chat); returns how many rows each sheet got. */
export async function writeComplaintExport(db: Db, config: AppConfig, opts: ExportOptions, out: Writable): Promise<ExportResult> {
  const lang = config.defaultLanguage;
  const tz = config.calendar.timeZone;
  const local = localClock(tz);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = config.company.name;
  workbook.created = opts.generatedAt;
  const header = (key: MessageKey, date?: boolean) => (date ? `${t(lang, key)} (${tz})` : t(lang, key));

  const columns = complaintColumns(config, lang, opts, local);
  const sheet = workbook.addWorksheet(COMPLAINT_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ key: c.key, header: header(c.header, c.date), width: c.width, ...(c.date ? { style: { numFmt: DATE_FORMAT } } : {}) }));
  let complaints = 0;
  for (let after = 0; ; ) {
    const batch = await loadBatch(db, opts.period, after);
    for (const c of batch) sheet.addRow(Object.fromEntries(columns.map((col) => [col.key, col.value(c)]))).commit();
    complaints += batch.length;
    if (batch.length < BATCH) break;
    after = batch[batch.length - 1]!.id;
  }
  sheet.commit();

  const events = workbook.addWorksheet(EVENT_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  events.columns = EVENT_COLUMNS.map((c) => ({ key: c.key, header: header(c.header, c.date), width: c.width, ...(c.date ? { style: { numFmt: DATE_FORMAT } } : {}) }));
  let eventCount = 0;
  for (let after = 0; ; ) {
    const batch = await db.complaintEvent.findMany({
      where: { id: { gt: after }, complaint: { registeredAt: { gte: opts.period.start, lt: opts.period.end } } },
      orderBy: { id: 'asc' },
      take: BATCH * 2,
      include: { complaint: { select: { number: true } } },
    });
    for (const e of batch) {
      const details = e.data && typeof e.data === 'object' && Object.keys(e.data).length ? JSON.stringify(e.data) : null;
      events.addRow({ number: e.complaint.number, at: local(e.at), type: e.type, fromStatus: e.fromStatus, toStatus: e.toStatus, actor: e.actor, actorName: e.actorName, details }).commit();
    }
    eventCount += batch.length;
    if (batch.length < BATCH * 2) break;
    after = batch[batch.length - 1]!.id;
  }
  events.commit();
  await workbook.commit();
  return { complaints, events: eventCount };
}

/** The same workbook as bytes, for uploading into a chat. */
export async function buildComplaintExport(db: Db, config: AppConfig, opts: ExportOptions): Promise<{ data: Buffer } & ExportResult> {
  return workbookBytes((out) => writeComplaintExport(db, config, opts, out));
}

/** export-2026-11.xlsx, export-2026-Q4-full.xlsx */
export function exportFileName(opts: Pick<ExportOptions, 'period' | 'fullData'>): string {
  return `complaints-${opts.period.label.replace(/\.\./g, '_')}${opts.fullData ? '-full' : ''}.xlsx`;
}

/** A streamed workbook written to memory: its bytes and what the writer returned (for uploading into a chat). */
export async function workbookBytes<R extends object>(write: (out: PassThrough) => Promise<R>): Promise<{ data: Buffer } & R> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const result = await write(out);
  await done;
  return { data: Buffer.concat(chunks), ...result };
}
