/**
 * Registers a complaint: number, deadlines on business hours, the audit event, the customer's
 * acknowledgement and the department's card, all in one transaction.
 */
import { DateTime } from 'luxon';
import type { Tx } from '../../store/database.ts';
import type { Severity } from '../../domain/sla.ts';
import { computeDeadlines } from '../../domain/sla.ts';
import { formatComplaintNumber } from '../../domain/complaint-number.ts';
import { t, type Language } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { AppError } from '../shared/errors.ts';
import { enqueue, enqueueNewCard } from '../shared/outbox.ts';
import { formatLocalTime } from '../shared/format.ts';
import type { CustomerAttachment } from '../shared/inbound.ts';
import { postInThread, storeAttachments } from './add-complaint-info.ts';
import { recordEvent } from './change-status.ts';
import { customerActor } from '../customers/customer-helpers.ts';
import { planSla, type ClockFacts } from '../../domain/sla-clocks.ts';
import { clockRulesFromConfig } from '../sla/clock-rules.ts';
import type { Customer } from '../../store/generated/client.ts';

export interface FileComplaintInput {
  customerId: number;
  /** The customer's row when the caller has it already (saves reading it again). */
  customer?: Customer;
  categoryId: string;
  description: string;
  contactPhone: string | null;
  language: Language;
  /** what or whom the complaint is about (被投诉对象) */
  subject?: string | null;
  /** what the customer asks for (诉求) */
  desiredOutcome?: string | null;
  /** when it happened, as the customer said it */
  occurredAt?: string | null;
  address?: string | null;
  /** by when the customer asked for an answer */
  requestedReplyBy?: string | null;
  /** photos and files sent as evidence */
  attachments?: CustomerAttachment[];
  /** where it came from when not the customer's chat: phone, counter, email, letter, other (registered by staff, /new) */
  channel?: string;
  /** the staff member who registered it (the audit event's actor instead of the customer) */
  recorder?: { id: string; name?: string };
}

/**
 * When the SLA sweep first needs to look at a new complaint: now, if something is due at once (the
 * supervisor's heads-up about an important or major complaint, the re-post of one filed after hours),
 * else its first reminder or deadline. Planned by the same domain function as the sweep, so a new
 * complaint is not swept in the next minute for nothing (it used to start at 1970: due at once).
 */
function firstDueAt(ctx: AppContext, c: { departmentId: string; registeredAt: Date; severity: Severity } & ReturnType<typeof computeDeadlines>): Date {
  const facts: ClockFacts = {
    status: 'registered',
    severity: c.severity,
    registeredAt: c.registeredAt,
    clockStartAt: c.clockStartAt,
    intakeDueAt: c.intakeDueAt,
    acceptDueAt: c.acceptDueAt,
    firstReplyDueAt: c.firstReplyDueAt,
    resolveDueAt: c.resolveDueAt,
    hardLimitAt: c.hardLimitAt,
    firstReplyAt: null,
    resolvedAt: null,
    pausedAt: null,
    pausedMinutes: 0,
    escalationTier: 0,
    escalatedAt: null,
    escalationDueAt: null,
    transfers: 0,
    transferredAt: null,
    reopens: 0,
    reopenedAt: null,
    resultDelivered: false,
    surveyDelivered: false,
  };
  const plan = planSla({ facts, sent: new Set(), now: c.registeredAt, rules: clockRulesFromConfig(ctx.config), calendar: ctx.calendarFor(c.departmentId) });
  return plan.steps.length ? c.registeredAt : (plan.nextDueAt ?? c.hardLimitAt);
}

async function nextSequence(tx: Tx, day: string): Promise<number> {
  const rows = await tx.$queryRaw<{ value: number }[]>`
    INSERT INTO "ComplaintCounter" ("day", "value") VALUES (${day}, 1)
    ON CONFLICT ("day") DO UPDATE SET "value" = "ComplaintCounter"."value" + 1
    RETURNING "value"`;
  return Number(rows[0]!.value);
}

export async function fileComplaint(ctx: AppContext, tx: Tx, input: FileComplaintInput) {
  const category = ctx.config.categories.find((c) => c.id === input.categoryId);
  if (!category) throw new AppError('INVALID_INPUT', `unknown category ${input.categoryId}`);
  const department = ctx.config.departments.find((d) => d.id === category.department)!;
  const customer = input.customer?.id === input.customerId ? input.customer : await tx.customer.findUniqueOrThrow({ where: { id: input.customerId } });
  const registeredAt = ctx.now();
  const severity: Severity = category.severity;
  const deadlines = computeDeadlines({ registeredAt, severity, policy: ctx.sla, calendar: ctx.calendarFor(department.id) });
  const day = DateTime.fromJSDate(registeredAt).setZone(ctx.calendar.timeZone).toFormat('yyyyLLdd');
  const number = formatComplaintNumber(ctx.config.numberPrefix, day, await nextSequence(tx, day));

  const complaint = await tx.complaint.create({
    data: {
      number,
      customerId: customer.id,
      channel: input.channel ?? customer.platform,
      category: category.id,
      severity,
      status: 'registered',
      departmentId: department.id,
      description: input.description,
      contactPhone: input.contactPhone,
      subject: input.subject ?? null,
      desiredOutcome: input.desiredOutcome ?? null,
      occurredAt: input.occurredAt ?? null,
      address: input.address ?? null,
      requestedReplyBy: input.requestedReplyBy ?? null,
      registeredAt,
      clockStartAt: deadlines.clockStartAt,
      acceptDueAt: deadlines.acceptDueAt,
      firstReplyDueAt: deadlines.firstReplyDueAt,
      resolveDueAt: deadlines.resolveDueAt,
      hardLimitAt: deadlines.hardLimitAt,
      intakeDueAt: deadlines.intakeDueAt,
      nextDueAt: firstDueAt(ctx, { departmentId: department.id, registeredAt, severity, ...deadlines }),
      recordedBy: input.recorder?.id ?? null,
      recordedByName: input.recorder?.name ?? null,
      updatedAt: registeredAt,
    },
  });
  await recordEvent(tx, {
    complaintId: complaint.id,
    type: 'registered',
    toStatus: 'registered',
    actor: input.recorder ?? customerActor(customer),
    at: registeredAt,
    details: {
      category: category.id,
      severity,
      department: department.id,
      ...(input.attachments?.length ? { attachments: input.attachments.length } : {}),
      ...(input.recorder ? { channel: input.channel ?? customer.platform, recordedFor: customerActor(customer).id } : {}),
    },
  });
  const stored = await storeAttachments(tx, complaint.id, customer.platform, input.attachments, registeredAt);
  if (input.contactPhone && input.contactPhone !== customer.phone) await tx.customer.update({ where: { id: customer.id }, data: { phone: input.contactPhone } });
  await enqueue(
    tx,
    {
      channel: customer.platform as 'telegram' | 'wechat',
      kind: 'text',
      target: customer.chatId,
      payload: { text: t(input.language, 'customer.registered', { number, acceptBy: formatLocalTime(deadlines.acceptDueAt, ctx.calendar.timeZone) }) },
      complaintId: complaint.id,
    },
    registeredAt,
  );
  await enqueueNewCard(tx, complaint.id, department.chatId, registeredAt, { first: true });
  // The photos in the new card's thread (the card counts the files; it is sent first, rows go out in order).
  if (stored.length) await postInThread(tx, complaint.id, department.chatId, [], stored, registeredAt);
  return complaint;
}
