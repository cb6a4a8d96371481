/**
 * `/forget`, once the customer confirmed (个人信息保护法 art. 47): records the request (DataRequest and the
 * access log) and posts its card into the supervision chat (the managers' chat when there is none, like
 * appeals), where a supervisor or manager approves or refuses it (decide-data-request.ts).
 */
import type { Tx } from '../../store/database.ts';
import type { Customer } from '../../store/generated/client.ts';
import { t, type MessageKey } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { enqueue } from '../shared/outbox.ts';
import { formatLocalTime } from '../shared/format.ts';
import { customerActor } from '../customers/customer-helpers.ts';
import { recordAccess } from './record-access.ts';
import { renderDataRequestCard } from '../../../cards/data-request-card.ts';

/** Complaints that are not finished yet: closed first when a deletion is approved. */
export const FINISHED_STATUSES = ['closed', 'rejected'];

export type DeletionRequestResult = { state: 'sent'; id: number } | { state: 'pending'; id: number } | { state: 'unavailable' };

/** Where requests go: the supervision chat, else the managers' chat. */
export function dataRequestChat(ctx: Pick<AppContext, 'config'>): string | undefined {
  return ctx.config.supervisionChatId ?? ctx.config.managersChatId;
}

export async function requestDataDeletion(ctx: AppContext, tx: Tx, input: { customer: Customer; at: Date }): Promise<DeletionRequestResult> {
  const { customer, at } = input;
  // One pending request per customer: the row lock makes two quick confirmations one request.
  await tx.$queryRaw`SELECT "id" FROM "Customer" WHERE "id" = ${customer.id} FOR UPDATE`;
  const pending = await tx.dataRequest.findFirst({ where: { customerId: customer.id, kind: 'forget', status: 'pending' } });
  if (pending) return { state: 'pending', id: pending.id };
  const chatId = dataRequestChat(ctx);
  if (!chatId) {
    ctx.log.warn({ customerId: customer.id }, 'deletion request refused: neither supervisionChatId nor managersChatId is configured');
    return { state: 'unavailable' };
  }
  const complaints = await tx.complaint.findMany({ where: { customerId: customer.id }, select: { number: true, status: true }, orderBy: { id: 'asc' } });
  const open = complaints.filter((c) => !FINISHED_STATUSES.includes(c.status));
  const request = await tx.dataRequest.create({ data: { customerId: customer.id, kind: 'forget', status: 'pending', requestedAt: at, chatId } });
  await recordAccess(tx, {
    kind: 'forget_request',
    actor: customerActor(customer),
    at,
    customerId: customer.id,
    details: { request: request.id, complaints: complaints.length, open: open.length, chatId },
  });
  const lang = ctx.config.defaultLanguage;
  const card = renderDataRequestCard({
    id: request.id,
    customer: customer.displayName,
    channel: t(lang, `channel.${customer.platform}` as MessageKey),
    requestedAt: formatLocalTime(at, ctx.calendar.timeZone),
    total: complaints.length,
    open: open.length,
    openNumbers: open.map((c) => c.number),
    language: lang,
  });
  await enqueue(tx, { channel: 'feishu', kind: 'card.raw', target: chatId, payload: { card } }, at);
  return { state: 'sent', id: request.id };
}
