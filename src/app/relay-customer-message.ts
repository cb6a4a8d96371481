/**
 * A customer's free message (no command, no conversation): goes to their open complaint, if any.
 * Returns false when there is nothing to relay it to.
 */
import type { CustomerSession } from './customer-session.ts';

export async function relayCustomerMessage(_s: CustomerSession): Promise<boolean> {
  return false;
}
