/**
 * Every customer event, from any channel: deduplicated by the platform's id, then handed in turn to the
 * conversation flows, the commands, and the relay to an open complaint; whatever is left gets a hint.
 * All of it in one transaction, so a failure leaves what was stored before untouched.
 */
import { languageFromCode } from '../../i18n/index.ts';
import type { AppContext } from '../shared/context.ts';
import type { CustomerInbound } from '../shared/inbound.ts';
import { recordInboundEvent } from '../shared/record-inbound-event.ts';
import { CustomerSession } from './customer-session.ts';
import { handleFilingFlow, offerToFile } from './customer-filing-flow.ts';
import { handleCustomerCommand } from './customer-commands.ts';
import { relayCustomerMessage } from './relay-customer-message.ts';
import { cleanCustomerInput, guardCustomerInput } from './customer-input-guard.ts';
import { handleFollowUpFlow } from './customer-follow-up-flow.ts';
import { settleCustomerLanguage } from './customer-language.ts';

export { MAX_TEXT } from './customer-filing-flow.ts';

export async function handleCustomerMessage(ctx: AppContext, input: CustomerInbound): Promise<void> {
  await ctx.db.$transaction(async (tx) => {
    const at = ctx.now();
    if (!(await recordInboundEvent(tx, input.platform, input.eventId, at))) return;
    const upserted = await tx.customer.upsert({
      where: { platform_platformUserId: { platform: input.platform, platformUserId: input.userId } },
      create: {
        platform: input.platform,
        platformUserId: input.userId,
        chatId: input.chatId,
        displayName: input.displayName,
        language: languageFromCode(input.languageCode) ?? null,
        lastInboundAt: at,
      },
      update: { chatId: input.chatId, displayName: input.displayName, lastInboundAt: at },
    });
    const { customer, lang } = await settleCustomerLanguage(tx, ctx.config, upserted, input.languageCode);
    const conversation = await tx.conversation.findUnique({ where: { platform_userId: { platform: input.platform, userId: input.userId } } });
    const session = new CustomerSession(ctx, tx, cleanCustomerInput(input), customer, lang, at, conversation);
    if (await guardCustomerInput(session)) return;
    if (await handleFilingFlow(session)) return;
    if (await handleFollowUpFlow(session)) return;
    if (await handleCustomerCommand(session)) return;
    if (await relayCustomerMessage(session)) return;
    if (await offerToFile(session)) return;
    await session.reply('customer.hint');
  });
  ctx.outboxChanged();
}
