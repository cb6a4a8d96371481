/**
 * `/status TS-…`: one of the customer's own complaints, its state and the steps it went through.
 * Only events meant for the customer are shown (no internal notes or escalations), without staff names.
 */
import type { Complaint, ComplaintEvent } from '../../store/generated/client.ts';
import type { Tx } from '../../store/database.ts';
import { isOpen, isStatus } from '../../domain/lifecycle.ts';
import { t, type Language, type MessageKey } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { formatLocalTime } from '../shared/format.ts';
import type { TextButton } from '../shared/outbox.ts';
import { categoryName, findCustomerComplaint, statusName } from './customer-helpers.ts';

/** Event types a customer sees in their timeline. Anything else (notes, escalations, reminders) stays internal. */
const VISIBLE_EVENTS = new Set([
  'registered',
  'accept',
  'start_work',
  'ask_customer',
  'customer_replied',
  'customer_message',
  'reply_customer',
  'resolve',
  'close',
  'reject',
  'reopen',
  'transfer',
  'withdraw',
  'info_added',
  'appeal',
  'rating_comment',
]);

function eventLine(lang: Language, timeZone: string, e: ComplaintEvent): string {
  const data = (e.data ?? {}) as Record<string, unknown>;
  let key = `customer.event.${e.type}` as MessageKey;
  if (e.type === 'close' && data.reason === 'no_response') key = 'customer.event.close_no_response';
  else if ((e.type === 'close' || e.type === 'reopen') && typeof data.rating === 'number') key = `customer.event.${e.type}_rated` as MessageKey;
  return `${formatLocalTime(e.at, timeZone)} ${t(lang, key, { rating: String(data.rating ?? '') })}`;
}

export function formatComplaintStatus(ctx: AppContext, lang: Language, complaint: Complaint & { department: { name: string } }, events: ComplaintEvent[]): { text: string; buttons?: TextButton[][] } {
  const tz = ctx.calendar.timeZone;
  const line = (key: MessageKey, value: string) => t(lang, 'customer.file.line', { name: t(lang, key), value });
  const lines = [
    t(lang, 'customer.status.header', { number: complaint.number, status: statusName(lang, complaint.status) }),
    line('customer.file.name.category', categoryName(ctx.config, complaint.category, lang)),
    ...(complaint.subject ? [line('customer.file.name.subject', complaint.subject)] : []),
    line('customer.status.department', complaint.department.name),
    line('customer.status.registeredAt', formatLocalTime(complaint.registeredAt, tz)),
  ];
  if (complaint.status === 'registered') lines.push(line('customer.status.acceptBy', formatLocalTime(complaint.acceptDueAt, tz)));
  else if (isStatus(complaint.status) && isOpen(complaint.status)) lines.push(line('customer.status.resolveBy', formatLocalTime(complaint.resolveDueAt, tz)));
  if (complaint.resolution) lines.push(line('customer.status.resolution', complaint.resolution));
  if (complaint.rejectReason) lines.push(line('customer.status.rejectReason', complaint.rejectReason));
  if (complaint.rating !== null) lines.push(line('customer.status.rating', `${complaint.rating}/5`));
  if (complaint.archivedAt) lines.push(t(lang, 'archive.status', { at: formatLocalTime(complaint.archivedAt, tz) }));
  const timeline = events.filter((e) => VISIBLE_EVENTS.has(e.type)).map((e) => eventLine(lang, tz, e));
  lines.push('', t(lang, 'customer.status.timeline'), ...timeline);
  // Archived: read-only, so no buttons to add, withdraw or appeal.
  if (complaint.archivedAt) return { text: lines.join('\n') };
  const buttons: TextButton[] = [];
  if (isStatus(complaint.status) && isOpen(complaint.status)) {
    buttons.push({ label: t(lang, 'customer.status.button.add'), data: `add:${complaint.id}` });
    buttons.push({ label: t(lang, 'customer.status.button.withdraw'), data: `wdask:${complaint.id}` });
  }
  buttons.push({ label: t(lang, 'customer.status.button.appeal'), data: `ap:${complaint.id}` });
  return { text: lines.join('\n'), buttons: [buttons] };
}

/** The status of one complaint, or null when this customer has no complaint with that number or id. */
export async function showComplaintStatus(ctx: AppContext, tx: Tx, input: { customerId: number; lang: Language; ref: { number: string } | { id: number } }) {
  const own = await findCustomerComplaint(tx, input.customerId, input.ref);
  if (!own) return null;
  const complaint = await tx.complaint.findUniqueOrThrow({ where: { id: own.id }, include: { department: true, events: { orderBy: { id: 'asc' } } } });
  return { complaint, ...formatComplaintStatus(ctx, input.lang, complaint, complaint.events) };
}
