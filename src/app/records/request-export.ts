/**
 * `/export <period> [full]` in the managers' chat: checks the period and who asks, writes the access-log
 * line, and queues the export; the delivery worker builds the .xlsx and uploads it into the chat (slow
 * work stays out of the message handler). Full phone numbers only for a manager who typed `full` (全量).
 */
import type { Tx } from '../../store/database.ts';
import type { StaffConfig } from '../../config/schema.ts';
import { parseReportPeriod } from '../../domain/report-period.ts';
import { t, type MessageKey } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { enqueue } from '../shared/outbox.ts';
import { recordAccess } from './record-access.ts';

const FULL_WORDS = new Set(['full', '全量', '完整']);
/** `/export access <period>`: the access log instead of the complaints. */
const ACCESS_WORDS = new Set(['access', '访问记录', '访问日志']);

export async function requestExport(ctx: AppContext, tx: Tx, opts: { staff: StaffConfig; chatId: string; managersChat: boolean; args: string[]; at: Date }): Promise<void> {
  const lang = ctx.config.defaultLanguage;
  const answer = (key: MessageKey, params: Record<string, string | number> = {}) =>
    enqueue(tx, { channel: 'feishu', kind: 'text', target: opts.chatId, payload: { text: t(lang, key, params) } }, opts.at);
  if (!opts.managersChat) return answer('export.command.managersOnly');
  if (opts.args[0] && ACCESS_WORDS.has(opts.args[0].toLowerCase())) return requestAccessLogExport(ctx, tx, { ...opts, args: opts.args.slice(1) }, answer);
  const fullData = opts.args.some((w) => FULL_WORDS.has(w.toLowerCase()));
  const text = opts.args.filter((w) => !FULL_WORDS.has(w.toLowerCase())).join(' ');
  if (!text) return answer('export.command.usage');
  const parsed = parseReportPeriod(text, opts.at, ctx.calendar.timeZone);
  if (!parsed.ok) return answer(parsed.reason === 'future' ? 'export.command.future' : parsed.reason === 'order' ? 'export.command.order' : 'export.command.badPeriod', { text });
  if (fullData && opts.staff.role !== 'manager') return answer('export.command.fullManagersOnly');
  const { period } = parsed;
  await recordAccess(tx, {
    kind: fullData ? 'export_full' : 'export',
    actor: { id: `feishu:${opts.staff.openId}`, name: opts.staff.name },
    at: opts.at,
    details: { period: period.label, from: period.start.toISOString(), to: period.end.toISOString(), chatId: opts.chatId },
  });
  await answer('export.command.preparing', { label: period.label, full: fullData ? t(lang, 'export.command.fullMark') : '' });
  await enqueue(
    tx,
    {
      channel: 'feishu',
      kind: 'file.export',
      target: opts.chatId,
      payload: { label: period.label, kind: period.kind, start: period.start.toISOString(), end: period.end.toISOString(), fullData, requestedAt: opts.at.toISOString() },
    },
    opts.at,
  );
}

/** `/export access <period>`: managers only; recorded in the access log like every export. */
async function requestAccessLogExport(
  ctx: AppContext,
  tx: Tx,
  opts: { staff: StaffConfig; chatId: string; args: string[]; at: Date },
  answer: (key: MessageKey, params?: Record<string, string | number>) => Promise<void>,
): Promise<void> {
  if (opts.staff.role !== 'manager') return answer('access.command.managersOnly');
  const text = opts.args.join(' ');
  if (!text) return answer('access.command.usage');
  const parsed = parseReportPeriod(text, opts.at, ctx.calendar.timeZone);
  if (!parsed.ok) return answer(parsed.reason === 'future' ? 'export.command.future' : parsed.reason === 'order' ? 'export.command.order' : 'export.command.badPeriod', { text });
  const { period } = parsed;
  await recordAccess(tx, {
    kind: 'access_export',
    actor: { id: `feishu:${opts.staff.openId}`, name: opts.staff.name },
    at: opts.at,
    details: { period: period.label, from: period.start.toISOString(), to: period.end.toISOString(), chatId: opts.chatId },
  });
  await answer('access.command.preparing', { label: period.label });
  await enqueue(
    tx,
    {
      channel: 'feishu',
      kind: 'file.export',
      target: opts.chatId,
      payload: { what: 'access', label: period.label, kind: period.kind, start: period.start.toISOString(), end: period.end.toISOString(), fullData: false, requestedAt: opts.at.toISOString() },
    },
    opts.at,
  );
}
