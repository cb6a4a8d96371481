/** An internal note on a complaint: recorded in its timeline for colleagues, never sent to the customer. */
import type { Tx } from '../../store/database.ts';
import type { AppContext } from '../shared/context.ts';
import { changeStatus, type Actor } from './change-status.ts';
import { lockComplaint } from './lock-complaint.ts';
import { requireText, TEXT_LIMITS } from '../staff/staff-input.ts';

export async function addInternalNote(ctx: AppContext, tx: Tx, opts: { complaintId: number; actor: Actor; text: string }) {
  const text = requireText(opts.text, 'note', TEXT_LIMITS.message);
  await lockComplaint(tx, opts.complaintId, 'note');
  const { before } = await changeStatus(tx, { complaintId: opts.complaintId, action: 'note', actor: opts.actor, at: ctx.now(), details: { text } });
  return before;
}
