/** Not accepted (不予受理), with one of docs/domain.md's reasons and an optional note; the customer is told why. */
import type { Tx } from '../../store/database.ts';
import { t } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { changeStatus, type Actor } from './change-status.ts';
import { lockComplaint } from './lock-complaint.ts';
import { customerLanguage, notifyCustomer } from './notify-customer.ts';
import { REJECT_REASONS, requireChoice, requireText, TEXT_LIMITS } from '../staff/staff-input.ts';

export async function rejectComplaint(ctx: AppContext, tx: Tx, opts: { complaintId: number; actor: Actor; reason: string; note: string }) {
  await lockComplaint(tx, opts.complaintId, 'reject');
  const reason = requireChoice(opts.reason, 'reason', REJECT_REASONS);
  const note = requireText(opts.note, 'note', TEXT_LIMITS.reason, { optional: true });
  const at = ctx.now();
  const { before } = await changeStatus(tx, {
    complaintId: opts.complaintId,
    action: 'reject',
    actor: opts.actor,
    at,
    data: { rejectReason: reason, pausedAt: null },
    details: { reason, note },
  });
  const lang = await customerLanguage(ctx, tx, before.customerId);
  const params = { number: before.number, reason: t(lang, `staff.rejectReason.${reason}`), note };
  await notifyCustomer(ctx, tx, before, note ? 'staffNotice.rejectedWithNote' : 'staffNotice.rejected', params, at);
  return before;
}
