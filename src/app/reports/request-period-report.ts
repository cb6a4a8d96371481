/**
 * `/report 2026-11`, `/report 2026-Q3`, `/report 2026` in the managers' chat: checks the period and
 * answers a clear message when it is not a month, a quarter or a year, or has not started; a period
 * still running is reported "so far". The report itself is computed after the command's transaction
 * (sendPeriodReport), like `/digest`.
 */
import type { Tx } from '../../store/database.ts';
import { parseReportPeriod, type ReportPeriod } from '../../domain/report-period.ts';
import { t, type MessageKey } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { enqueue } from '../shared/outbox.ts';

export async function requestPeriodReport(ctx: AppContext, tx: Tx, opts: { chatId: string; managersChat: boolean; args: string[]; at: Date }): Promise<ReportPeriod | null> {
  const lang = ctx.config.defaultLanguage;
  const answer = async (key: MessageKey, params: Record<string, string | number> = {}) => {
    await enqueue(tx, { channel: 'feishu', kind: 'text', target: opts.chatId, payload: { text: t(lang, key, params) } }, opts.at);
    return null;
  };
  if (!opts.managersChat) return answer('report.command.managersOnly');
  const text = opts.args.join(' ').trim();
  if (!text) return answer('report.command.usage');
  const parsed = parseReportPeriod(text, opts.at, ctx.calendar.timeZone);
  if (!parsed.ok) return answer(parsed.reason === 'future' ? 'report.command.future' : 'report.command.badPeriod', { text });
  if (parsed.period.kind === 'days') return answer('report.command.badPeriod', { text });
  return parsed.period;
}
