/** Everything a card shows about a complaint, read from the database (never from a stale card). */
import type { Db, Tx } from '../../store/database.ts';
import type { AppConfig } from '../../config/schema.ts';
import type { Status } from '../../domain/lifecycle.ts';
import type { Severity } from '../../domain/sla.ts';
import { maskPhone } from '../../domain/phone.ts';
import type { Language } from '../../i18n/index.ts';
import { OFFLINE_CHANNEL } from '../shared/outbox.ts';
import { chatCustomerWithPhone } from '../records/link-chat-customer.ts';

/** How many of the latest events a card lists (older ones are counted, not shown: a card must stay under 30 KB). */
export const TIMELINE_LIMIT = 15;

export interface TimelineEntry {
  type: string;
  actorName: string | null;
  at: Date;
  data: Record<string, unknown>;
}

export interface ComplaintView {
  id: number;
  number: string;
  status: Status;
  severity: Severity;
  categoryId: string;
  categoryName: string;
  departmentId: string;
  departmentName: string;
  departmentChatId: string;
  description: string;
  /** What the customer asked for besides the facts (被投诉对象, 诉求, when, where, reply by); null when not given. */
  request?: { subject: string | null; desiredOutcome: string | null; occurredAt: string | null; address: string | null; requestedReplyBy: string | null };
  customerName: string;
  maskedPhone: string;
  channel: string;
  registeredAt: Date;
  acceptDueAt: Date;
  firstReplyDueAt: Date;
  firstReplyAt: Date | null;
  resolveDueAt: Date;
  hardLimitAt: Date;
  handlerName: string | null;
  acceptedAt: Date | null;
  resolution: string | null;
  /** the resolution's cause analysis, improvement measure and compensation, ready to show (names in the card's language) */
  cause?: string | null;
  measure?: string | null;
  compensation?: string | null;
  resolvedAt: Date | null;
  rejectReason: string | null;
  escalationTier: number;
  /** the resolve deadline of the current handling round was extended (a reopening starts a round without one) */
  deadlineExtended: boolean;
  /** reopenings so far: from the first, the first-reply clock is the recontact clock (回访不满意客户) */
  reopens?: number;
  pausedAt: Date | null;
  timeline: TimelineEntry[];
  /** events older than the ones in `timeline` */
  earlierEvents: number;
  timeZone: string;
  language: Language;
  /** what the selects on the card offer */
  options: {
    categories: { id: string; name: string }[];
    departments: { id: string; name: string }[];
    causes?: { id: string; name: string }[];
    compensationKinds?: { id: string; name: string }[];
  };
  /** the staff member who registered a complaint received by phone, counter, email or letter */
  recordedByName?: string | null;
  /** set when the customer has no chat (registered by staff): the call tasks, and a chat customer with the same phone to link to */
  offline?: {
    tasks: { id: number; text: string; createdAt: Date; doneAt: Date | null; doneByName: string | null }[];
    linkTo: { name: string; platform: string } | null;
    /** while waiting for such a customer: the question to call them with (src/app/records/record-customer-answer.ts) */
    question?: { text: string; askedAt: Date; askedByName: string | null } | null;
    /** the latest answer staff recorded for them */
    lastAnswer?: { text: string; at: Date; recordedByName: string | null } | null;
  } | null;
  /** set once archived (归档): the card is drawn read-only, without buttons */
  archivedAt?: Date | null;
  /** The card message being drawn, when known: an inactive one is drawn without buttons. */
  card: { id: number; chatId: string; active: boolean } | null;
}

function localized(name: string | { zh: string; en: string }, lang: Language): string {
  return typeof name === 'string' ? name : name[lang];
}

export async function loadComplaintView(
  db: Db | Tx,
  config: AppConfig,
  complaintId: number,
  which: { cardId?: number; messageId?: string } = {},
): Promise<ComplaintView | null> {
  const c = await db.complaint.findUnique({
    where: { id: complaintId },
    include: { customer: true, department: true },
  });
  if (!c) return null;
  // One query for both counts: all events (the card lists the latest) and reopenings (the handling round).
  const byType = await db.complaintEvent.groupBy({ by: ['type'], where: { complaintId }, _count: { _all: true } });
  const total = byType.reduce((n, g) => n + g._count._all, 0);
  const reopens = byType.find((g) => g.type === 'reopen')?._count._all ?? 0;
  const events = (await db.complaintEvent.findMany({ where: { complaintId }, orderBy: { id: 'desc' }, take: TIMELINE_LIMIT })).reverse();
  const card =
    which.cardId !== undefined
      ? await db.cardMessage.findUnique({ where: { id: which.cardId } })
      : which.messageId
        ? await db.cardMessage.findFirst({ where: { complaintId, messageId: which.messageId } })
        : null;
  const lang = config.defaultLanguage;
  const category = config.categories.find((x) => x.id === c.category);
  const offline =
    c.customer.platform === OFFLINE_CHANNEL
      ? {
          tasks: await db.customerTask.findMany({ where: { complaintId }, orderBy: { id: 'asc' }, select: { id: true, text: true, createdAt: true, doneAt: true, doneByName: true } }),
          linkTo: await chatCustomerWithPhone(db, c.contactPhone ?? c.customer.phone).then((x) => (x ? { name: x.displayName, platform: x.platform } : null)),
          ...(await offlineQuestion(db, complaintId, c.status)),
        }
      : null;
  return {
    id: c.id,
    number: c.number,
    status: c.status as Status,
    severity: c.severity as Severity,
    categoryId: c.category,
    categoryName: category ? localized(category.name, lang) : c.category,
    departmentId: c.departmentId,
    departmentName: c.department.name,
    departmentChatId: c.department.chatId,
    description: c.description,
    request: { subject: c.subject, desiredOutcome: c.desiredOutcome, occurredAt: c.occurredAt, address: c.address, requestedReplyBy: c.requestedReplyBy },
    customerName: c.customer.displayName,
    maskedPhone: maskPhone(c.contactPhone ?? c.customer.phone),
    channel: c.channel,
    registeredAt: c.registeredAt,
    acceptDueAt: c.acceptDueAt,
    firstReplyDueAt: c.firstReplyDueAt,
    firstReplyAt: c.firstReplyAt,
    resolveDueAt: c.resolveDueAt,
    hardLimitAt: c.hardLimitAt,
    handlerName: c.handlerName,
    acceptedAt: c.acceptedAt,
    resolution: c.resolution,
    ...resolutionDetails(config, c, lang),
    resolvedAt: c.resolvedAt,
    rejectReason: c.rejectReason,
    escalationTier: c.escalationTier,
    deadlineExtended: c.deadlineExtended,
    reopens,
    pausedAt: c.pausedAt,
    timeline: events.map((e) => ({ type: e.type, actorName: e.actorName, at: e.at, data: (e.data ?? {}) as Record<string, unknown> })),
    earlierEvents: Math.max(0, total - events.length),
    timeZone: config.calendar.timeZone,
    language: lang,
    options: {
      categories: config.categories.map((x) => ({ id: x.id, name: localized(x.name, lang) })),
      departments: config.departments.map((d) => ({ id: d.id, name: d.name })),
      causes: config.resolution.causes.map((x) => ({ id: x.id, name: localized(x.name, lang) })),
      compensationKinds: config.resolution.compensationKinds.map((x) => ({ id: x.id, name: localized(x.name, lang) })),
    },
    recordedByName: c.recordedByName,
    archivedAt: c.archivedAt,
    offline,
    card: card && card.complaintId === c.id ? { id: card.id, chatId: card.chatId, active: card.active } : null,
  };
}

/** The structured resolution's parts as the card shows them. */
function resolutionDetails(
  config: AppConfig,
  c: { causeCategory: string | null; causeDetail: string | null; improvement: string | null; compensationKind: string | null; compensationCents: number | null },
  lang: Language,
): { cause: string | null; measure: string | null; compensation: string | null } {
  const cause = config.resolution.causes.find((x) => x.id === c.causeCategory);
  const causeName = cause ? localized(cause.name, lang) : c.causeCategory;
  const kind = config.resolution.compensationKinds.find((x) => x.id === c.compensationKind);
  const kindName = kind ? localized(kind.name, lang) : c.compensationKind;
  return {
    cause: causeName || c.causeDetail ? [causeName, c.causeDetail].filter(Boolean).join(' · ') : null,
    measure: c.improvement,
    compensation: kindName ? `${kindName}${c.compensationCents !== null ? ` ¥${(c.compensationCents / 100).toFixed(2)}` : ''}` : null,
  };
}

/** For a customer without a chat: the open question (while waiting for them) and the latest answer staff recorded. */
async function offlineQuestion(db: Db | Tx, complaintId: number, status: string) {
  // one after the other: the view may be read inside a transaction
  const asked = status === 'waiting_customer' ? await db.complaintEvent.findFirst({ where: { complaintId, type: 'ask_customer' }, orderBy: { id: 'desc' } }) : null;
  const answered = await db.complaintEvent.findFirst({ where: { complaintId, type: 'customer_replied' }, orderBy: { id: 'desc' } });
  const text = (e: { data: unknown } | null) => String(((e?.data ?? {}) as Record<string, unknown>).text ?? '');
  return {
    question: asked ? { text: text(asked), askedAt: asked.at, askedByName: asked.actorName } : null,
    lastAnswer: answered ? { text: text(answered), at: answered.at, recordedByName: answered.actorName } : null,
  };
}
