/** A customer withdraws their own open complaint: it closes as "withdrawn", the department is told. */
import type { Tx } from '../../store/database.ts';
import { t } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { changeStatus } from './change-status.ts';
import { enqueue } from '../shared/outbox.ts';
import { refreshComplaintCards } from './complaint-cards.ts';
import { lockComplaint } from './lock-complaint.ts';
import { customerActor, customerLanguage, customerTarget, loadOwnComplaint } from '../customers/customer-helpers.ts';
import { inertText } from '../shared/feishu-text.ts';

export async function withdrawComplaint(ctx: AppContext, tx: Tx, input: { complaintId: number; customerId: number }) {
  await lockComplaint(tx, input.complaintId);
  const complaint = await loadOwnComplaint(tx, input.complaintId, input.customerId);
  const at = ctx.now();
  const { customer } = complaint;
  await changeStatus(tx, {
    complaintId: complaint.id,
    action: 'withdraw',
    actor: customerActor(customer),
    at,
    data: { closedAt: at, closeReason: 'withdrawn' },
    details: { reason: 'withdrawn' },
  });
  const staffLang = ctx.config.defaultLanguage;
  await enqueue(
    tx,
    { channel: 'feishu', kind: 'text', target: complaint.department.chatId, payload: { text: t(staffLang, 'customer.notice.withdrawn', { number: complaint.number, customer: inertText(customer.displayName) }) }, complaintId: complaint.id },
    at,
  );
  await refreshComplaintCards(tx, complaint.id, at);
  const lang = customerLanguage(customer, ctx.config);
  await enqueue(tx, { ...customerTarget(customer), kind: 'text', payload: { text: t(lang, 'customer.withdraw.done', { number: complaint.number }) }, complaintId: complaint.id }, at);
  return complaint;
}
