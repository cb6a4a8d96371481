/** Puts failed outbox messages (one by id, or all) back in line; they are reported again if they fail again. */
import type { Tx } from '../../store/database.ts';

export async function retryFailedDeliveries(tx: Tx, which: number | 'all', at: Date): Promise<number> {
  const res = await tx.outboxMessage.updateMany({
    where: { status: 'failed', ...(which === 'all' ? {} : { id: which }) },
    data: { status: 'pending', attempts: 0, nextAttemptAt: at, reportedAt: null },
  });
  return res.count;
}
