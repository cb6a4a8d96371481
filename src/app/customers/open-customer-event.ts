/**
 * The first statement of every customer event, in one round trip: remembers the platform's event id
 * (a redelivery changes nothing and gets null), creates or refreshes the customer (chat, name, last
 * message time, and their app's language unless they chose one with /lang), counts the message in the
 * customer's rate window (pruning older windows on the first message of a minute), and loads their
 * conversation. Before, these were five statements one after another.
 */
import { Prisma } from '../../store/generated/client.ts';
import type { Conversation, Customer } from '../../store/generated/client.ts';
import type { Tx } from '../../store/database.ts';
import type { Language } from '../../i18n/index.ts';
import type { CustomerInbound } from '../shared/inbound.ts';
import { rateWindow } from './customer-rate-limits.ts';

export interface OpenedCustomerEvent {
  customer: Customer;
  conversation: Conversation | null;
  /** Messages from this customer in the current minute, this one included. */
  messagesThisMinute: number;
}

type Row = Customer & {
  rateCount: number;
  conversationId: number | null;
  conversationFlow: string | null;
  conversationStep: string | null;
  conversationData: unknown;
  conversationUpdatedAt: Date | null;
};

export async function openCustomerEvent(tx: Tx, input: CustomerInbound, detected: Language | undefined, at: Date): Promise<OpenedCustomerEvent | null> {
  const key = `${input.platform}:${input.userId}`;
  const window = rateWindow(at);
  const rows = await tx.$queryRaw<Row[]>`
    WITH ev AS (
      INSERT INTO "InboundEvent" ("platform", "eventId", "receivedAt") VALUES (${input.platform}, ${input.eventId}, ${at})
      ON CONFLICT DO NOTHING RETURNING 1
    ), cu AS (
      INSERT INTO "Customer" ("platform", "platformUserId", "chatId", "displayName", "language", "lastInboundAt")
      SELECT ${input.platform}, ${input.userId}, ${input.chatId}, ${input.displayName}, ${detected ?? null}::text, ${at}::timestamp(3) WHERE EXISTS (SELECT 1 FROM ev)
      ON CONFLICT ("platform", "platformUserId") DO UPDATE SET
        "chatId" = EXCLUDED."chatId", "displayName" = EXCLUDED."displayName", "lastInboundAt" = EXCLUDED."lastInboundAt",
        "language" = CASE WHEN NOT "Customer"."languageChosen" AND EXCLUDED."language" IS NOT NULL THEN EXCLUDED."language" ELSE "Customer"."language" END
      RETURNING *
    ), rate AS (
      INSERT INTO "CustomerRateCounter" ("key", "window", "count") SELECT ${key}, ${window}::timestamp(3), 1 WHERE EXISTS (SELECT 1 FROM ev)
      ON CONFLICT ("key", "window") DO UPDATE SET "count" = "CustomerRateCounter"."count" + 1
      RETURNING "count"
    ), pruned AS (
      DELETE FROM "CustomerRateCounter" WHERE "key" = ${key} AND "window" < ${window}::timestamp(3) AND EXISTS (SELECT 1 FROM rate WHERE "count" = 1)
    )
    SELECT cu.*, (SELECT "count" FROM rate)::int AS "rateCount",
      v."id" AS "conversationId", v."flow" AS "conversationFlow", v."step" AS "conversationStep", v."data" AS "conversationData", v."updatedAt" AS "conversationUpdatedAt"
    FROM cu LEFT JOIN "Conversation" v ON v."platform" = ${input.platform} AND v."userId" = ${input.userId}`;
  const row = rows[0];
  if (!row) return null;
  const { rateCount, conversationId, conversationFlow, conversationStep, conversationData, conversationUpdatedAt, ...customer } = row;
  return {
    customer,
    messagesThisMinute: Number(rateCount),
    conversation:
      conversationId === null
        ? null
        : {
            id: conversationId,
            platform: input.platform,
            userId: input.userId,
            flow: conversationFlow!,
            step: conversationStep!,
            data: (typeof conversationData === 'string' ? JSON.parse(conversationData) : conversationData) as Prisma.JsonValue,
            updatedAt: conversationUpdatedAt!,
          },
  };
}
