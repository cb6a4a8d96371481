/** `/stats me`: a staff member's own appraisal figures for the month so far, answered in the chat they asked in. */
import type { Tx } from '../../store/database.ts';
import type { StaffConfig } from '../../config/schema.ts';
import { monthStartOf } from '../../domain/digest.ts';
import { t } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { enqueue } from '../shared/outbox.ts';
import { formatLocalTime } from '../shared/format.ts';
import { computeHandlerFigures } from './compute-handler-figures.ts';
import { handlerLine } from '../../../cards/appraisal.ts';

export async function showMyStats(ctx: AppContext, tx: Tx, opts: { staff: StaffConfig; chatId: string; at: Date }): Promise<void> {
  const lang = ctx.config.defaultLanguage;
  const start = monthStartOf(opts.at, ctx.calendar.timeZone);
  const [mine] = await computeHandlerFigures(tx, { start, end: opts.at }, { handlers: [opts.staff.openId] });
  const since = formatLocalTime(start, ctx.calendar.timeZone);
  const text = mine
    ? `${t(lang, 'appraisal.me', { name: opts.staff.name, since })}\n${handlerLine(lang, { ...mine, name: opts.staff.name }, false)}`
    : t(lang, 'appraisal.meNone', { name: opts.staff.name, since });
  await enqueue(tx, { channel: 'feishu', kind: 'text', target: opts.chatId, payload: { text } }, opts.at);
}
