/** Queues a text to a complaint's customer, in their language, on the channel they complained from. */
import type { Tx } from '../../store/database.ts';
import { t, type Language, type MessageKey } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { enqueue, type CustomerNotice } from '../shared/outbox.ts';

export async function notifyCustomer(
  ctx: AppContext,
  tx: Tx,
  complaint: { id: number; customerId: number },
  key: MessageKey,
  params: Record<string, string | number>,
  at: Date,
  notice?: CustomerNotice,
): Promise<void> {
  const customer = await tx.customer.findUniqueOrThrow({ where: { id: complaint.customerId } });
  const lang = (customer.language as Language | null) ?? ctx.config.defaultLanguage;
  await enqueue(
    tx,
    { channel: customer.platform as 'telegram' | 'wechat', kind: 'text', target: customer.chatId, payload: { text: t(lang, key, params), ...(notice ? { notice } : {}) }, complaintId: complaint.id },
    at,
  );
}

/** The customer's language, for texts that embed localized labels (a reject reason, a time). */
export async function customerLanguage(ctx: AppContext, tx: Tx, customerId: number): Promise<Language> {
  const customer = await tx.customer.findUniqueOrThrow({ where: { id: customerId } });
  return (customer.language as Language | null) ?? ctx.config.defaultLanguage;
}
