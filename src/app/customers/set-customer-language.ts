/** The customer picks the language the bot speaks to them; from then on Telegram's language_code no longer overrides it. */
import type { Tx } from '../../store/database.ts';
import { t, type Language } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import { enqueue } from '../shared/outbox.ts';
import { customerTarget } from './customer-helpers.ts';

export async function setCustomerLanguage(ctx: AppContext, tx: Tx, input: { customerId: number; language: Language }) {
  const customer = await tx.customer.update({ where: { id: input.customerId }, data: { language: input.language, languageChosen: true } });
  await enqueue(tx, { ...customerTarget(customer), kind: 'text', payload: { text: t(input.language, 'customer.lang.set') } }, ctx.now());
  return customer;
}
