/**
 * Reports an outbox message that failed for good into the operations chat, once (the row's `reportedAt`
 * is set in the same transaction): what it was, to whom, why, and how to retry it. A failed report itself
 * (a message to the operations chat) is only logged, so a broken Feishu cannot loop.
 */
import { t } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { enqueue } from '../shared/outbox.ts';
import { operationsChatOf } from './operations-chat.ts';

export async function reportFailedDelivery(ctx: AppContext, outboxId: number, reason: string): Promise<boolean> {
  const chat = operationsChatOf(ctx.config);
  const reported = await ctx.db.$transaction(async (tx) => {
    const at = ctx.now();
    const row = await tx.outboxMessage.findUnique({ where: { id: outboxId } });
    if (!row || row.status !== 'failed' || row.reportedAt) return false;
    await tx.outboxMessage.update({ where: { id: outboxId }, data: { reportedAt: at } });
    if (!chat || (row.channel === 'feishu' && row.target === chat)) return false;
    const text = t(ctx.config.defaultLanguage, 'operations.deliveryFailed', { id: row.id, channel: row.channel, kind: row.kind, target: row.target, reason: reason.slice(0, 300) });
    await enqueue(tx, { channel: 'feishu', kind: 'text', target: chat, payload: { text } }, at);
    return true;
  });
  if (reported) ctx.outboxChanged();
  else ctx.log.warn({ outboxId, reason }, 'an outbox message failed for good (not reported into a chat)');
  return reported;
}
