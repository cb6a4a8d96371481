/**
 * The full contact phone, for those who need it (docs/domain.md, confidentiality): the handler, the
 * department's supervisor and managers. Recorded as an event; the number goes only to the person who
 * asked (their toast and a private message), never onto the group's card.
 */
import type { Tx } from '../../store/database.ts';
import type { StaffConfig } from '../../config/schema.ts';
import { t } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import type { Actor } from './change-status.ts';
import { AppError } from '../shared/errors.ts';
import { lockComplaint } from './lock-complaint.ts';
import { enqueue } from '../shared/outbox.ts';
import { mayRevealPhone } from '../staff/staff-access.ts';
import { inertText } from '../shared/feishu-text.ts';
import { recordEvent } from './change-status.ts';
import { recordAccess } from '../records/record-access.ts';

export async function revealPhone(ctx: AppContext, tx: Tx, opts: { complaintId: number; actor: Actor; staff: StaffConfig }) {
  const complaint = await lockComplaint(tx, opts.complaintId, 'reveal_phone');
  if (!mayRevealPhone(ctx.config, opts.staff, complaint)) throw new AppError('FORBIDDEN', 'only the handler and supervisors see the full phone', { reason: 'reveal' });
  const customer = await tx.customer.findUniqueOrThrow({ where: { id: complaint.customerId } });
  const phone = complaint.contactPhone ?? customer.phone;
  if (!phone) throw new AppError('INVALID_INPUT', 'no phone given', { reason: 'noPhone' });
  const at = ctx.now();
  await recordEvent(tx, { complaintId: complaint.id, type: 'reveal_phone', actor: opts.actor, at, fromStatus: complaint.status, toStatus: complaint.status });
  await recordAccess(tx, { kind: 'phone_view', actor: opts.actor, at, complaintId: complaint.id, customerId: customer.id, details: { number: complaint.number } });
  const text = t(ctx.config.defaultLanguage, 'staff.revealPrivate', { number: complaint.number, phone, customer: inertText(customer.displayName) });
  await enqueue(tx, { channel: 'feishu', kind: 'user.text', target: opts.staff.openId, payload: { text }, complaintId: complaint.id }, at);
  return { complaint, phone };
}
