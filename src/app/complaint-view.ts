/** Everything a card shows about a complaint, read from the database (never from a stale card). */
import type { Db, Tx } from '../store/database.ts';
import type { AppConfig } from '../config/schema.ts';
import type { Status } from '../domain/lifecycle.ts';
import type { Severity } from '../domain/sla.ts';
import { maskPhone } from '../domain/phone.ts';
import type { Language } from '../i18n/index.ts';

export interface ComplaintView {
  id: number;
  number: string;
  status: Status;
  severity: Severity;
  categoryName: string;
  departmentName: string;
  description: string;
  customerName: string;
  maskedPhone: string;
  channel: string;
  registeredAt: Date;
  acceptDueAt: Date;
  resolveDueAt: Date;
  handlerName: string | null;
  acceptedAt: Date | null;
  resolution: string | null;
  resolvedAt: Date | null;
  timeline: { type: string; actorName: string | null; at: Date }[];
  timeZone: string;
  language: Language;
}

export async function loadComplaintView(db: Db | Tx, config: AppConfig, complaintId: number): Promise<ComplaintView | null> {
  const c = await db.complaint.findUnique({
    where: { id: complaintId },
    include: { customer: true, department: true, events: { orderBy: { id: 'asc' } } },
  });
  if (!c) return null;
  const lang = config.defaultLanguage;
  const category = config.categories.find((x) => x.id === c.category);
  const categoryName = !category ? c.category : typeof category.name === 'string' ? category.name : category.name[lang];
  return {
    id: c.id,
    number: c.number,
    status: c.status as Status,
    severity: c.severity as Severity,
    categoryName,
    departmentName: c.department.name,
    description: c.description,
    customerName: c.customer.displayName,
    maskedPhone: maskPhone(c.contactPhone ?? c.customer.phone),
    channel: c.channel,
    registeredAt: c.registeredAt,
    acceptDueAt: c.acceptDueAt,
    resolveDueAt: c.resolveDueAt,
    handlerName: c.handlerName,
    acceptedAt: c.acceptedAt,
    resolution: c.resolution,
    resolvedAt: c.resolvedAt,
    timeline: c.events.map((e) => ({ type: e.type, actorName: e.actorName, at: e.at })),
    timeZone: config.calendar.timeZone,
    language: lang,
  };
}
