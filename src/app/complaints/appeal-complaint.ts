/**
 * A customer appeals (申诉) how one of their complaints was handled. The appeal is recorded on the
 * complaint and sent to the supervision chat from the config, never back to the department that handled it.
 */
import type { Tx } from '../../store/database.ts';
import { MAX_TEXT } from '../../domain/customer-text.ts';
import { t } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { AppError } from '../shared/errors.ts';
import type { CustomerAttachment } from '../shared/inbound.ts';
import { enqueue } from '../shared/outbox.ts';
import { customerActor, customerLanguage, customerTarget, statusName, loadOwnComplaint } from '../customers/customer-helpers.ts';
import { storeAttachments } from './add-complaint-info.ts';
import { inertText } from '../shared/feishu-text.ts';
import { recordEvent } from './change-status.ts';

export async function appealComplaint(ctx: AppContext, tx: Tx, input: { complaintId: number; customerId: number; reason: string; attachments?: CustomerAttachment[] }) {
  const reason = input.reason.trim();
  if (!reason) throw new AppError('INVALID_INPUT', 'appeal reason is empty', { reason: 'empty' });
  if (reason.length > MAX_TEXT) throw new AppError('INVALID_INPUT', 'appeal reason too long', { reason: 'tooLong', length: reason.length });
  const complaint = await loadOwnComplaint(tx, input.complaintId, input.customerId);
  if (complaint.archivedAt) throw new AppError('ARCHIVED', `complaint ${complaint.number} is archived`, { complaint });
  const at = ctx.now();
  const actor = customerActor(complaint.customer);
  // Never the handling department's own group: supervision first, the managers' chat as a fallback.
  const target = [ctx.config.supervisionChatId, ctx.config.managersChatId].find((chat) => chat && chat !== complaint.department.chatId);
  const stored = (await storeAttachments(tx, complaint.id, complaint.customer.platform, input.attachments, at, reason)).length;
  await recordEvent(tx, { complaintId: complaint.id, type: 'appeal', actor, at, details: { reason, attachments: stored, sentTo: target ?? null } });
  const staffLang = ctx.config.defaultLanguage;
  if (target) {
    const text = t(staffLang, 'customer.notice.appeal', {
      number: complaint.number,
      department: complaint.department.name,
      status: statusName(staffLang, complaint.status),
      customer: inertText(complaint.customer.displayName),
      reason: inertText(reason),
      attachments: stored,
    });
    await enqueue(tx, { channel: 'feishu', kind: 'text', target, payload: { text }, complaintId: complaint.id }, at);
  } else ctx.log.warn({ complaint: complaint.number }, 'appeal recorded, but neither supervisionChatId nor managersChatId is configured');
  const lang = customerLanguage(complaint.customer, ctx.config);
  await enqueue(tx, { ...customerTarget(complaint.customer), kind: 'text', payload: { text: t(lang, 'customer.appeal.recorded', { number: complaint.number }) }, complaintId: complaint.id }, at);
  return complaint;
}
