/**
 * A complaint registered by staff whose phone belongs to a customer who also writes to the bot in a chat
 * (Telegram, WeChat): staff may link it to that customer, so from then on what the customer should hear
 * reaches their chat instead of becoming a call task, and the complaint is among theirs (/my).
 */
import type { Tx } from '../../store/database.ts';
import type { AppContext } from '../shared/context.ts';
import { AppError } from '../shared/errors.ts';
import { OFFLINE_CHANNEL } from '../shared/outbox.ts';
import { recordEvent, type Actor } from '../complaints/change-status.ts';
import { lockComplaint } from '../complaints/lock-complaint.ts';
import { notifyCustomer } from '../complaints/notify-customer.ts';
import type { Db } from '../../store/database.ts';

/** The chat customer with this phone who wrote most recently, if any. */
export async function chatCustomerWithPhone(db: Db | Tx, phone: string | null) {
  if (!phone) return null;
  return db.customer.findFirst({ where: { phone, platform: { not: OFFLINE_CHANNEL } }, orderBy: [{ lastInboundAt: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }] });
}

export async function linkChatCustomer(ctx: AppContext, tx: Tx, opts: { complaintId: number; actor: Actor }) {
  const complaint = await lockComplaint(tx, opts.complaintId);
  const current = await tx.customer.findUniqueOrThrow({ where: { id: complaint.customerId } });
  if (current.platform !== OFFLINE_CHANNEL) throw new AppError('INVALID_INPUT', 'already linked to a chat', { reason: 'alreadyLinked' });
  const chat = await chatCustomerWithPhone(tx, complaint.contactPhone ?? current.phone);
  if (!chat) throw new AppError('INVALID_INPUT', 'no chat customer with this phone', { reason: 'noChatCustomer' });
  const at = ctx.now();
  await tx.complaint.update({ where: { id: complaint.id }, data: { customerId: chat.id, version: { increment: 1 }, updatedAt: at } });
  await recordEvent(tx, { complaintId: complaint.id, type: 'link_customer', actor: opts.actor, at, fromStatus: complaint.status, toStatus: complaint.status, details: { from: `${current.platform}:${current.platformUserId}`, to: `${chat.platform}:${chat.platformUserId}` } });
  await notifyCustomer(ctx, tx, { id: complaint.id, customerId: chat.id }, 'intake.customer.linked', { number: complaint.number }, at);
  return { complaint, customer: chat };
}
