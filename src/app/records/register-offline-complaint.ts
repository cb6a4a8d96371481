/**
 * A complaint received elsewhere — by phone, at a counter, by email or letter — registered by the staff
 * member who took it (所有员工无权决定不受理任何投诉), from the `/new` form card. It goes through the same
 * use case as a chat complaint (number, routing, clocks, card, audit event) with the staff member as the
 * recorder. The customer has no chat: they get a customer row on the `offline` platform (one per phone
 * number), and every message meant for them becomes a task on the card (src/app/shared/outbox.ts).
 * A second submit of the same form (Feishu retries, double clicks) registers nothing new.
 */
import type { Tx } from '../../store/database.ts';
import type { StaffConfig } from '../../config/schema.ts';
import { normalizePhone } from '../../domain/phone.ts';
import type { AppContext } from '../shared/context.ts';
import { AppError } from '../shared/errors.ts';
import { OFFLINE_CHANNEL } from '../shared/outbox.ts';
import { recordInboundEvent } from '../shared/record-inbound-event.ts';
import { fileComplaint } from '../complaints/file-complaint.ts';

export const INTAKE_CHANNELS = ['phone', 'counter', 'email', 'letter', 'other'] as const;
export type IntakeChannel = (typeof INTAKE_CHANNELS)[number];

export const INTAKE_LIMITS = { name: 50, phone: 30, description: 2000, short: 200 } as const;

/** What the /new form carries (typed text; checked here). */
export interface IntakeForm {
  channel: string;
  name: string;
  phone: string;
  category: string;
  description: string;
  subject: string;
  request: string;
  when: string;
  address: string;
  replyBy: string;
}

export type IntakeField = 'channel' | 'name' | 'phone' | 'category' | 'description' | 'subject' | 'request' | 'when' | 'address' | 'replyBy';

function text(raw: string, field: IntakeField, max: number, required = false): string | null {
  const value = (raw ?? '').trim();
  if (!value) {
    if (required) throw new AppError('INVALID_INPUT', `${field} is empty`, { field, reason: 'empty' });
    return null;
  }
  if (value.length > max) throw new AppError('INVALID_INPUT', `${field} is too long`, { field, reason: 'tooLong', length: value.length, max });
  return value;
}

/** Checks the form; throws INVALID_INPUT naming the field. */
export function checkIntakeForm(ctx: AppContext, form: IntakeForm) {
  const channel = (form.channel ?? '').trim();
  if (!channel) throw new AppError('INVALID_INPUT', 'channel not chosen', { field: 'channel', reason: 'notChosen' });
  if (!(INTAKE_CHANNELS as readonly string[]).includes(channel)) throw new AppError('INVALID_INPUT', 'channel not offered', { field: 'channel', reason: 'unknownOption' });
  const category = (form.category ?? '').trim();
  if (!category) throw new AppError('INVALID_INPUT', 'category not chosen', { field: 'category', reason: 'notChosen' });
  if (!ctx.config.categories.some((c) => c.id === category)) throw new AppError('INVALID_INPUT', 'category not offered', { field: 'category', reason: 'unknownOption' });
  const name = text(form.name, 'name', INTAKE_LIMITS.name, true)!;
  const rawPhone = text(form.phone, 'phone', INTAKE_LIMITS.phone);
  const phone = rawPhone ? normalizePhone(rawPhone) : null;
  if (rawPhone && !phone) throw new AppError('INVALID_INPUT', 'not a phone number', { field: 'phone', reason: 'badPhone' });
  return {
    channel: channel as IntakeChannel,
    category,
    name,
    phone,
    description: text(form.description, 'description', INTAKE_LIMITS.description, true)!,
    subject: text(form.subject, 'subject', INTAKE_LIMITS.short),
    request: text(form.request, 'request', INTAKE_LIMITS.short),
    when: text(form.when, 'when', INTAKE_LIMITS.short),
    address: text(form.address, 'address', INTAKE_LIMITS.short),
    replyBy: text(form.replyBy, 'replyBy', INTAKE_LIMITS.short),
  };
}

export async function registerOfflineComplaint(ctx: AppContext, tx: Tx, opts: { staff: StaffConfig; form: IntakeForm; nonce: string }) {
  const checked = checkIntakeForm(ctx, opts.form);
  const at = ctx.now();
  if (!(await recordInboundEvent(tx, 'feishu-intake', opts.nonce, at))) {
    const earlier = await tx.complaintEvent.findFirst({ where: { type: 'registered', data: { path: ['intake'], equals: opts.nonce } }, include: { complaint: true } });
    throw new AppError('CONFLICT', 'this form was submitted already', { reason: 'alreadyRegistered', number: earlier?.complaint.number ?? '' });
  }
  const lang = ctx.config.defaultLanguage;
  const platformUserId = checked.phone ? `phone:${checked.phone}` : `intake:${opts.nonce}`;
  const customer = await tx.customer.upsert({
    where: { platform_platformUserId: { platform: OFFLINE_CHANNEL, platformUserId } },
    create: { platform: OFFLINE_CHANNEL, platformUserId, chatId: '', displayName: checked.name, phone: checked.phone, language: lang, languageChosen: true },
    update: { displayName: checked.name },
  });
  const recorder = { id: `feishu:${opts.staff.openId}`, name: opts.staff.name };
  const complaint = await fileComplaint(ctx, tx, {
    customerId: customer.id,
    customer,
    categoryId: checked.category,
    description: checked.description,
    contactPhone: checked.phone,
    language: lang,
    subject: checked.subject,
    desiredOutcome: checked.request,
    occurredAt: checked.when,
    address: checked.address,
    requestedReplyBy: checked.replyBy,
    channel: checked.channel,
    recorder,
  });
  // The form's nonce on the registration event: a repeated submit can say which complaint it made.
  const event = await tx.complaintEvent.findFirstOrThrow({ where: { complaintId: complaint.id, type: 'registered' } });
  await tx.complaintEvent.update({ where: { id: event.id }, data: { data: { ...(event.data as Record<string, unknown>), intake: opts.nonce } } });
  const department = ctx.config.departments.find((d) => d.id === complaint.departmentId)!;
  return { complaint, department };
}
