/**
 * Closes every resolved complaint whose customer has not rated it within `feedback.noResponseCloseAfter`
 * (default 72 h) as "no response", and tells the customer. Meant to be run by a scheduled job; each
 * complaint is closed in its own transaction, and one the customer rated meanwhile is left alone.
 */
import { parseDuration } from '../../domain/sla.ts';
import { t } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { changeStatus } from './change-status.ts';
import { AppError } from '../shared/errors.ts';
import { enqueue } from '../shared/outbox.ts';
import { refreshComplaintCards } from './complaint-cards.ts';
import { lockComplaint } from './lock-complaint.ts';
import { customerLanguage, customerTarget } from '../customers/customer-helpers.ts';

export async function closeUnratedComplaints(ctx: AppContext, now: Date = ctx.now()): Promise<{ closed: string[] }> {
  const minutes = parseDuration(ctx.config.feedback.noResponseCloseAfter) ?? 72 * 60;
  const resolvedBefore = new Date(now.getTime() - minutes * 60_000);
  const due = await ctx.db.complaint.findMany({ where: { status: 'resolved', resolvedAt: { lte: resolvedBefore } }, select: { id: true }, orderBy: { id: 'asc' } });
  const closed: string[] = [];
  for (const { id } of due) {
    try {
      const number = await ctx.db.$transaction(async (tx) => {
        await lockComplaint(tx, id);
        const { before } = await changeStatus(tx, {
          complaintId: id,
          action: 'close',
          actor: { id: 'system', name: t(ctx.config.defaultLanguage, 'system') },
          at: now,
          data: { closedAt: now, closeReason: 'no_response' },
          details: { reason: 'no_response' },
        });
        const customer = await tx.customer.findUniqueOrThrow({ where: { id: before.customerId } });
        const text = t(customerLanguage(customer, ctx.config), 'customer.rate.closedNoResponse', { number: before.number }, customer.platform);
        await enqueue(tx, { ...customerTarget(customer), kind: 'text', payload: { text }, complaintId: id }, now);
        await refreshComplaintCards(tx, id, now);
        return before.number;
      });
      closed.push(number);
    } catch (error) {
      // Rated or reopened between the query and the transaction: nothing to close any more.
      if (error instanceof AppError && (error.code === 'CONFLICT' || error.code === 'TRANSITION_NOT_ALLOWED')) continue;
      throw error;
    }
  }
  if (closed.length) {
    ctx.log.info({ closed }, 'closed unrated complaints as no response');
    ctx.outboxChanged();
  }
  return { closed };
}

/** When the next resolved, unrated complaint is due to close as "no response" (null when none is waiting). */
export async function nextUnratedCloseAt(ctx: AppContext): Promise<Date | null> {
  const minutes = parseDuration(ctx.config.feedback.noResponseCloseAfter) ?? 72 * 60;
  const { _min } = await ctx.db.complaint.aggregate({ where: { status: 'resolved' }, _min: { resolvedAt: true } });
  return _min.resolvedAt ? new Date(_min.resolvedAt.getTime() + minutes * 60_000) : null;
}
