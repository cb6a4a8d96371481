/** After a resolution, asks the customer to rate the handling 1–5 (回访) with one button per score. */
import type { Tx } from '../../store/database.ts';
import { t } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { enqueue, type TextButton } from '../shared/outbox.ts';
import { customerLanguage, customerTarget } from '../customers/customer-helpers.ts';

export const RATING_BUTTON_PREFIX = 'rate:';

/** Button data `rate:<complaintId>:<score>`. */
export function ratingButtonData(complaintId: number, score: number): string {
  return `${RATING_BUTTON_PREFIX}${complaintId}:${score}`;
}

export function parseRatingButton(data: string): { complaintId: number; score: number } | null {
  const m = /^rate:(\d{1,10}):([1-5])$/.exec(data);
  return m ? { complaintId: Number(m[1]), score: Number(m[2]) } : null;
}

export async function requestRating(ctx: AppContext, tx: Tx, complaint: { id: number; number: string; customerId: number }, at: Date): Promise<void> {
  const customer = await tx.customer.findUniqueOrThrow({ where: { id: complaint.customerId } });
  const lang = customerLanguage(customer, ctx.config);
  const buttons: TextButton[][] = [[1, 2, 3, 4, 5].map((n) => ({ label: t(lang, 'customer.rate.button', { n }), data: ratingButtonData(complaint.id, n) }))];
  await enqueue(tx, { ...customerTarget(customer), kind: 'text', payload: { text: t(lang, 'customer.rate.ask', { number: complaint.number }), buttons, notice: { kind: 'rating', vars: { number: complaint.number } } }, complaintId: complaint.id }, at);
}
