/** A staff member resolves a complaint with a resolution note, which the customer receives. */
import type { Tx } from '../../store/database.ts';
import type { AppContext } from '../shared/context.ts';
import { changeStatus, type Actor } from './change-status.ts';
import { lockComplaint } from './lock-complaint.ts';
import { notifyCustomer } from './notify-customer.ts';
import { requireText } from '../staff/staff-input.ts';
import { requestRating } from './request-rating.ts';

export const MAX_RESOLUTION = 2000;

export async function resolveComplaint(ctx: AppContext, tx: Tx, opts: { complaintId: number; actor: Actor; resolution: string }) {
  const resolution = requireText(opts.resolution, 'resolution', MAX_RESOLUTION);
  const at = ctx.now();
  const current = await lockComplaint(tx, opts.complaintId, 'resolve');
  const { before } = await changeStatus(tx, {
    complaintId: opts.complaintId,
    action: 'resolve',
    actor: opts.actor,
    at,
    data: { resolvedAt: at, resolution, firstReplyAt: current.firstReplyAt ?? at, pausedAt: null },
    details: { resolution },
  });
  await notifyCustomer(ctx, tx, before, 'customer.resolved', { number: before.number, resolution }, at, { kind: 'resolution', vars: { number: before.number, resolution } });
  await requestRating(ctx, tx, before, at);
  return before;
}
