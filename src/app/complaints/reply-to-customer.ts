/** Staff answer the customer from the card: delivered on the customer's channel, recorded on the complaint. */
import type { Tx } from '../../store/database.ts';
import type { AppContext } from '../shared/context.ts';
import { changeStatus, type Actor } from './change-status.ts';
import { lockComplaint } from './lock-complaint.ts';
import { notifyCustomer } from './notify-customer.ts';
import { requireText, TEXT_LIMITS } from '../staff/staff-input.ts';

export async function replyToCustomer(ctx: AppContext, tx: Tx, opts: { complaintId: number; actor: Actor; text: string }) {
  const text = requireText(opts.text, 'message', TEXT_LIMITS.message);
  const at = ctx.now();
  const current = await lockComplaint(tx, opts.complaintId, 'reply_customer');
  const { before } = await changeStatus(tx, {
    complaintId: opts.complaintId,
    action: 'reply_customer',
    actor: opts.actor,
    at,
    data: { firstReplyAt: current.firstReplyAt ?? at },
    details: { text },
  });
  await notifyCustomer(ctx, tx, before, 'staffNotice.reply', { number: before.number, text }, at);
  return before;
}
