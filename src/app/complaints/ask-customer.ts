/**
 * Staff ask the customer a question: the complaint waits for the customer and its clocks stop
 * (pausedAt); when the customer answers, the waiting time is added to the deadlines (see relay).
 */
import type { Tx } from '../../store/database.ts';
import type { AppContext } from '../shared/context.ts';
import { changeStatus, type Actor } from './change-status.ts';
import { lockComplaint } from './lock-complaint.ts';
import { notifyCustomer } from './notify-customer.ts';
import { requireText, TEXT_LIMITS } from '../staff/staff-input.ts';

export async function askCustomer(ctx: AppContext, tx: Tx, opts: { complaintId: number; actor: Actor; text: string }) {
  const text = requireText(opts.text, 'message', TEXT_LIMITS.message);
  const at = ctx.now();
  const current = await lockComplaint(tx, opts.complaintId, 'ask_customer');
  const { before } = await changeStatus(tx, {
    complaintId: opts.complaintId,
    action: 'ask_customer',
    actor: opts.actor,
    at,
    data: { pausedAt: current.pausedAt ?? at, firstReplyAt: current.firstReplyAt ?? at },
    details: { text },
  });
  await notifyCustomer(ctx, tx, before, 'staffNotice.question', { number: before.number, text }, at);
  return before;
}
