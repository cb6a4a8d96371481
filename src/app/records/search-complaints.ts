/**
 * `/find` by something other than a number: the customer's phone (the full number, or its last 4
 * digits) or text in the description or subject. Lists the matching complaints the sender may see
 * (in a department's group: that department's), newest first, phones masked; `/find TS-…` then opens one.
 */
import type { Tx } from '../../store/database.ts';
import type { StaffConfig } from '../../config/schema.ts';
import { maskPhone, normalizePhone } from '../../domain/phone.ts';
import { t, type MessageKey } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { formatLocalTime } from '../shared/format.ts';
import { departmentsOf } from '../staff/staff-access.ts';

export const SEARCH_LIMIT = 20;
const MIN_TEXT = 2;

export type SearchQuery = { kind: 'phone'; phone: string } | { kind: 'last4'; digits: string } | { kind: 'text'; text: string };

export function parseSearchQuery(raw: string): SearchQuery | null {
  const text = raw.trim();
  if (/^\d{4}$/.test(text)) return { kind: 'last4', digits: text };
  const phone = /^[+\d][\d\s-]{6,}$/.test(text) ? normalizePhone(text) : null;
  if (phone) return { kind: 'phone', phone };
  return text.length >= MIN_TEXT ? { kind: 'text', text } : null;
}

export async function searchComplaints(ctx: AppContext, tx: Tx, opts: { staff: StaffConfig; departmentId: string | null; query: string }): Promise<string> {
  const lang = ctx.config.defaultLanguage;
  const q = parseSearchQuery(opts.query);
  if (!q) return t(lang, 'staff.command.findUsage');
  const scope = opts.departmentId ? [opts.departmentId] : departmentsOf(ctx.config, opts.staff);
  const where =
    q.kind === 'text'
      ? { OR: [{ description: { contains: q.text, mode: 'insensitive' as const } }, { subject: { contains: q.text, mode: 'insensitive' as const } }] }
      : q.kind === 'phone'
        ? { OR: [{ contactPhone: q.phone }, { contactPhone: null, customer: { phone: q.phone } }] }
        : { OR: [{ contactPhone: { endsWith: q.digits } }, { contactPhone: null, customer: { phone: { endsWith: q.digits } } }] };
  const found = await tx.complaint.findMany({
    where: { departmentId: { in: scope }, ...where },
    include: { department: { select: { name: true } }, customer: { select: { phone: true } } },
    orderBy: [{ registeredAt: 'desc' }, { id: 'desc' }],
    take: SEARCH_LIMIT + 1,
  });
  const shown = q.kind === 'text' ? q.text : q.kind === 'phone' ? maskPhone(q.phone) : `****${q.digits}`;
  if (!found.length) return t(lang, 'search.none', { query: shown });
  const lines = found.slice(0, SEARCH_LIMIT).map((c) =>
    t(lang, 'search.line', {
      number: c.number,
      status: t(lang, `card.status.${c.status}` as MessageKey),
      department: c.department.name,
      phone: maskPhone(c.contactPhone ?? c.customer.phone),
      registered: formatLocalTime(c.registeredAt, ctx.calendar.timeZone),
      text: c.description.replace(/\s+/g, ' ').slice(0, 40),
    }),
  );
  if (found.length > SEARCH_LIMIT) lines.push(t(lang, 'search.more', { limit: SEARCH_LIMIT }));
  return [t(lang, 'search.title', { query: shown, count: Math.min(found.length, SEARCH_LIMIT) }), ...lines].join('\n');
}
