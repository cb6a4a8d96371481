/** `/my`: the customer's own complaints, newest first, with their state and a button for each one's details. */
import type { Tx } from '../../store/database.ts';
import { t, type Language } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { formatLocalTime } from '../shared/format.ts';
import type { TextButton } from '../shared/outbox.ts';
import { categoryName, statusName } from './customer-helpers.ts';

export const MY_LIST_LIMIT = 10;
/** Button data that shows one complaint's status: `st:<id>`. */
export const STATUS_BUTTON_PREFIX = 'st:';

export async function listMyComplaints(ctx: AppContext, tx: Tx, input: { customerId: number; lang: Language; channel?: string }): Promise<{ text: string; buttons?: TextButton[][]; total: number }> {
  const { lang } = input;
  const [total, items] = await Promise.all([
    tx.complaint.count({ where: { customerId: input.customerId } }),
    tx.complaint.findMany({ where: { customerId: input.customerId }, orderBy: { id: 'desc' }, take: MY_LIST_LIMIT }),
  ]);
  if (!total) return { text: t(lang, 'customer.my.none', {}, input.channel), total };
  const lines = items.map((c) =>
    t(lang, 'customer.my.line', {
      number: c.number,
      category: categoryName(ctx.config, c.category, lang),
      status: statusName(lang, c.status),
      date: formatLocalTime(c.registeredAt, ctx.calendar.timeZone).slice(0, 10),
    }),
  );
  if (total > items.length) lines.push(t(lang, 'customer.my.more', { count: total - items.length }));
  const buttons = items.map((c) => ({ label: c.number, data: `${STATUS_BUTTON_PREFIX}${c.id}` }));
  const rows: TextButton[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return { text: [t(lang, 'customer.my.title'), ...lines, '', t(lang, 'customer.my.footer', {}, input.channel)].join('\n'), buttons: rows, total };
}
