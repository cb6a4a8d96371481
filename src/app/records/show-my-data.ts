/**
 * `/mydata` (个人信息保护法 art. 45, the right to see one's data): what is stored about the customer —
 * their profile, every complaint with its fields, the messages exchanged about it, their ratings and
 * their data requests — as readable text in their chat, split to the platform's message limit, and
 * recorded in the access log (`data_request`).
 */
import type { Tx } from '../../store/database.ts';
import type { Customer } from '../../store/generated/client.ts';
import { t, type Language, type MessageKey } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { formatLocalTime } from '../shared/format.ts';
import { categoryName, customerActor, statusName } from '../customers/customer-helpers.ts';
import { recordAccess } from './record-access.ts';

/** What one message may hold: Telegram counts characters (4,096), WeChat's customer-service text bytes (2,048). */
export const MESSAGE_LIMITS: Record<string, { max: number; unit: 'chars' | 'bytes' }> = {
  telegram: { max: 4096, unit: 'chars' },
  wechat: { max: 2048, unit: 'bytes' },
};
/** Room kept in each part for its "(part n of m)" line. */
const PART_HEADER_ROOM = 40;

/** Events whose text is a message between the customer and the company (internal notes are not). */
const MESSAGE_EVENTS: Record<string, string> = {
  customer_message: 'text',
  customer_replied: 'text',
  info_added: 'text',
  appeal: 'reason',
  reply_customer: 'text',
  ask_customer: 'text',
};

export async function showMyData(ctx: AppContext, tx: Tx, input: { customer: Customer; lang: Language; channel: string; at: Date }): Promise<string[]> {
  const { customer, lang, at } = input;
  const tz = ctx.calendar.timeZone;
  const time = (d: Date) => formatLocalTime(d, tz);
  const line = (label: MessageKey, value: string | number | null | undefined) =>
    value === null || value === undefined || value === '' ? [] : [t(lang, 'mydata.line', { label: t(lang, label), value })];
  const complaints = await tx.complaint.findMany({
    where: { customerId: customer.id },
    orderBy: { id: 'asc' },
    include: { events: { orderBy: [{ at: 'asc' }, { id: 'asc' }] }, _count: { select: { attachments: true } } },
  });
  const requests = await tx.dataRequest.findMany({ where: { customerId: customer.id }, orderBy: { id: 'asc' } });
  const me = customerActor(customer).id;

  const lines: string[] = [
    t(lang, 'mydata.title', { company: ctx.config.company.name, time: time(at) }),
    '',
    t(lang, 'mydata.profile'),
    ...line('mydata.label.channel', t(lang, `channel.${customer.platform}` as MessageKey)),
    ...line('mydata.label.userId', me),
    ...line('mydata.label.name', customer.displayName),
    ...line('mydata.label.phone', customer.phone),
    ...line('mydata.label.language', customer.language),
    ...line('mydata.label.since', time(customer.createdAt)),
    ...line('mydata.label.lastMessage', customer.lastInboundAt ? time(customer.lastInboundAt) : null),
  ];
  if (!complaints.length) lines.push('', t(lang, 'mydata.none'));
  for (const c of complaints) {
    lines.push(
      '',
      t(lang, 'mydata.complaint', { number: c.number }),
      ...line('mydata.label.status', statusName(lang, c.status)),
      ...line('mydata.label.category', categoryName(ctx.config, c.category, lang)),
      ...line('mydata.label.registered', time(c.registeredAt)),
      ...line('mydata.label.subject', c.subject),
      ...line('mydata.label.description', c.description),
      ...line('mydata.label.desiredOutcome', c.desiredOutcome),
      ...line('mydata.label.occurredAt', c.occurredAt),
      ...line('mydata.label.address', c.address),
      ...line('mydata.label.contactPhone', c.contactPhone),
      ...line('mydata.label.requestedReplyBy', c.requestedReplyBy),
      ...line('mydata.label.files', c._count.attachments ? t(lang, 'mydata.files', { count: c._count.attachments }) : null),
      ...line('mydata.label.resolution', c.resolution),
      ...line('mydata.label.rating', c.rating),
      ...line('mydata.label.ratingComment', c.ratingComment),
      ...line('mydata.label.closed', c.closedAt ? time(c.closedAt) : null),
    );
    const messages = c.events.flatMap((e) => {
      const key = MESSAGE_EVENTS[e.type];
      const text = key ? (e.data as Record<string, unknown> | null)?.[key] : undefined;
      if (typeof text !== 'string' || !text) return [];
      const who = e.actor === me || e.actor === 'customer' ? t(lang, 'mydata.who.you') : t(lang, 'mydata.who.staff');
      return [t(lang, 'mydata.message', { time: time(e.at), who, text })];
    });
    if (messages.length) lines.push(t(lang, 'mydata.messages'), ...messages);
  }
  if (requests.length) {
    lines.push('', t(lang, 'mydata.requests'));
    for (const r of requests) {
      const status = r.status === 'refused' ? t(lang, 'mydata.request.refused', { reason: r.reason ?? '' }) : t(lang, `mydata.request.${r.status}` as MessageKey);
      lines.push(t(lang, 'mydata.request', { time: time(r.requestedAt), id: r.id, status }));
    }
  }
  lines.push('', t(lang, 'mydata.footer', {}, input.channel));

  const parts = splitMessage(lines, MESSAGE_LIMITS[input.channel] ?? MESSAGE_LIMITS.telegram!);
  const texts = parts.length > 1 ? parts.map((p, i) => `${t(lang, 'mydata.part', { n: i + 1, total: parts.length })}\n${p}`) : parts;
  await recordAccess(tx, {
    kind: 'data_request',
    actor: customerActor(customer),
    at,
    customerId: customer.id,
    details: { request: 'mydata', complaints: complaints.length, messages: texts.length, channel: input.channel },
  });
  return texts;
}

const sizeOf = (s: string, unit: 'chars' | 'bytes') => (unit === 'bytes' ? Buffer.byteLength(s, 'utf8') : s.length);

/** Whole lines per part as far as they fit; a line longer than a part is cut (at a character, never inside one). */
export function splitMessage(lines: string[], limit: { max: number; unit: 'chars' | 'bytes' }): string[] {
  const max = limit.max - PART_HEADER_ROOM;
  const pieces: string[] = [];
  for (const l of lines) {
    if (sizeOf(l, limit.unit) <= max) {
      pieces.push(l);
      continue;
    }
    let piece = '';
    for (const ch of l) {
      if (sizeOf(piece + ch, limit.unit) > max) {
        pieces.push(piece);
        piece = '';
      }
      piece += ch;
    }
    if (piece) pieces.push(piece);
  }
  const parts: string[] = [];
  let current = '';
  for (const p of pieces) {
    const next = current ? `${current}\n${p}` : p;
    if (current && sizeOf(next, limit.unit) > max) {
      parts.push(current.trimEnd());
      current = p;
    } else current = next;
  }
  if (current.trim()) parts.push(current.trimEnd());
  return parts;
}
