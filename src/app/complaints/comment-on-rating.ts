/** The customer's optional comment on their rating; after a low rating it is passed on to the department. */
import type { Tx } from '../../store/database.ts';
import { MAX_TEXT } from '../../domain/customer-text.ts';
import { t } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { AppError } from '../shared/errors.ts';
import { enqueue } from '../shared/outbox.ts';
import { refreshComplaintCards, threadCard } from './complaint-cards.ts';
import { customerActor, customerLanguage, customerTarget, loadOwnComplaint } from '../customers/customer-helpers.ts';
import { LOW_RATING } from './rate-complaint.ts';
import { inertText } from '../shared/feishu-text.ts';
import { recordEvent } from './change-status.ts';

export async function commentOnRating(ctx: AppContext, tx: Tx, input: { complaintId: number; customerId: number; comment: string }) {
  const comment = input.comment.trim();
  if (!comment) throw new AppError('INVALID_INPUT', 'comment is empty', { reason: 'empty' });
  if (comment.length > MAX_TEXT) throw new AppError('INVALID_INPUT', 'comment too long', { reason: 'tooLong', length: comment.length });
  const complaint = await loadOwnComplaint(tx, input.complaintId, input.customerId);
  if (complaint.rating === null) throw new AppError('TRANSITION_NOT_ALLOWED', `${complaint.number} has no rating to comment on`, { complaint });
  const at = ctx.now();
  const actor = customerActor(complaint.customer);
  await tx.complaint.update({ where: { id: complaint.id }, data: { ratingComment: comment, updatedAt: at } });
  await recordEvent(tx, { complaintId: complaint.id, type: 'rating_comment', actor, at, details: { rating: complaint.rating, comment } });
  if (complaint.rating <= LOW_RATING) {
    const text = t(ctx.config.defaultLanguage, 'customer.notice.ratingComment', { number: complaint.number, customer: inertText(complaint.customer.displayName), rating: complaint.rating, comment: inertText(comment) });
    const card = await threadCard(tx, complaint.id, complaint.department.chatId);
    if (card) await enqueue(tx, { channel: 'feishu', kind: 'thread.reply', target: card.chatId, payload: { cardId: card.id, text }, complaintId: complaint.id }, at);
    else await enqueue(tx, { channel: 'feishu', kind: 'text', target: complaint.department.chatId, payload: { text }, complaintId: complaint.id }, at);
  }
  await refreshComplaintCards(tx, complaint.id, at);
  const lang = customerLanguage(complaint.customer, ctx.config);
  await enqueue(tx, { ...customerTarget(complaint.customer), kind: 'text', payload: { text: t(lang, 'customer.rate.commentThanks') }, complaintId: complaint.id }, at);
  return complaint;
}
