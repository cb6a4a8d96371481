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

export interface FileComplaintInput {
  customerId: number;
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
  const customer = await tx.customer.findUniqueOrThrow({ where: { id: input.customerId } });
  const registeredAt = ctx.now();
  const severity: Severity = category.severity;
  const deadlines = computeDeadlines({ registeredAt, severity, policy: ctx.sla, calendar: ctx.calendar });
  const day = DateTime.fromJSDate(registeredAt).setZone(ctx.calendar.timeZone).toFormat('yyyyLLdd');
  const number = formatComplaintNumber(ctx.config.numberPrefix, day, await nextSequence(tx, day));

  const complaint = await tx.complaint.create({
    data: {
      number,
      customerId: customer.id,
      channel: customer.platform,
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
      updatedAt: registeredAt,
    },
  });
  await recordEvent(tx, {
    complaintId: complaint.id,
    type: 'registered',
    toStatus: 'registered',
    actor: customerActor(customer),
    at: registeredAt,
    details: { category: category.id, severity, department: department.id, ...(input.attachments?.length ? { attachments: input.attachments.length } : {}) },
  });
  const stored = await storeAttachments(tx, complaint.id, customer.platform, input.attachments, registeredAt);
  if (input.contactPhone) await tx.customer.update({ where: { id: customer.id }, data: { phone: input.contactPhone } });
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
  await enqueueNewCard(tx, complaint.id, department.chatId, registeredAt);
  // The photos in the new card's thread (the card counts the files; it is sent first, rows go out in order).
  await postInThread(tx, complaint.id, department.chatId, [], stored, registeredAt);
  return complaint;
}
