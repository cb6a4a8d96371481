/**
 * The language a customer is answered in: their own choice (/lang) first, then their app's language
 * (Telegram's language_code, refreshed on every message until they choose), then the config's default.
 */
import type { Tx } from '../../store/database.ts';
import type { Customer } from '../../store/generated/client.ts';
import type { AppConfig } from '../../config/schema.ts';
import { languageFromCode, type Language } from '../../i18n/index.ts';
import { customerLanguage } from './customer-helpers.ts';

export async function settleCustomerLanguage(tx: Tx, config: AppConfig, customer: Customer, languageCode: string | undefined): Promise<{ customer: Customer; lang: Language }> {
  const detected = languageFromCode(languageCode);
  if (!customer.languageChosen && detected && detected !== customer.language) {
    customer = await tx.customer.update({ where: { id: customer.id }, data: { language: detected } });
  }
  return { customer, lang: customerLanguage(customer, config) };
}
