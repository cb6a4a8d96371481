/** The outbox messages that failed for good, newest first, as one text for the operations chat. */
import type { Tx } from '../../store/database.ts';
import { t, type Language } from '../../i18n/index.ts';

export const FAILED_LIST_LIMIT = 30;

export async function listFailedDeliveries(tx: Tx, lang: Language): Promise<string> {
  const rows = await tx.outboxMessage.findMany({ where: { status: 'failed' }, orderBy: { id: 'desc' }, take: FAILED_LIST_LIMIT + 1 });
  if (!rows.length) return t(lang, 'operations.noFailed');
  const lines = rows.slice(0, FAILED_LIST_LIMIT).map((r) => `#${r.id} ${r.channel}/${r.kind} → ${r.target}: ${(r.lastError ?? '').slice(0, 120)}`);
  const more = rows.length > FAILED_LIST_LIMIT ? `\n${t(lang, 'operations.moreFailed')}` : '';
  return `${t(lang, 'operations.failedHeader', { count: rows.length > FAILED_LIST_LIMIT ? `${FAILED_LIST_LIMIT}+` : rows.length })}\n${lines.join('\n')}${more}`;
}
