/**
 * Every customer event, from any channel: deduplicated by the platform's id, then handed in turn to the
 * conversation flows, the commands, and the relay to an open complaint; whatever is left gets a hint.
 * All of it in one transaction, so a failure leaves what was stored before untouched; the event, the
 * customer and the conversation come in one statement and every answer goes out in one INSERT at the end.
 */
import { languageFromCode } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import type { CustomerInbound } from '../shared/inbound.ts';
import { batchOutbox } from '../shared/outbox.ts';
import { openCustomerEvent } from './open-customer-event.ts';
import { customerLanguage } from './customer-helpers.ts';
import { CustomerSession } from './customer-session.ts';
import { handleFilingFlow, offerToFile } from './customer-filing-flow.ts';
import { handleCustomerCommand } from './customer-commands.ts';
import { relayCustomerMessage } from './relay-customer-message.ts';
import { cleanCustomerInput, guardCustomerInput, sameMessageKey } from './customer-input-guard.ts';
import { handleFollowUpFlow } from './customer-follow-up-flow.ts';

export { MAX_TEXT } from './customer-filing-flow.ts';

export async function handleCustomerMessage(ctx: AppContext, input: CustomerInbound): Promise<void> {
  await ctx.db.$transaction((tx) =>
    batchOutbox(tx, async () => {
      const at = ctx.now();
      const cleaned = cleanCustomerInput(input);
      const opened = await openCustomerEvent(tx, input, languageFromCode(input.languageCode), at, sameMessageKey(cleaned));
      if (!opened) return; // a redelivery: handled once already
      const { customer, conversation, messagesThisMinute, repeated } = opened;
      const lang = customerLanguage(customer, ctx.config);
      const session = new CustomerSession(ctx, tx, cleaned, customer, lang, at, conversation, messagesThisMinute, repeated);
      if (await guardCustomerInput(session)) return;
      if (await handleFilingFlow(session)) return;
      if (await handleFollowUpFlow(session)) return;
      if (await handleCustomerCommand(session)) return;
      if (await relayCustomerMessage(session)) return;
      if (await offerToFile(session)) return;
      await session.reply('customer.hint');
    }),
  );
  ctx.outboxChanged();
}
