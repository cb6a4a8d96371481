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
  /** The same message (see sameMessageKey) as the one just before it, in this minute and conversation step. */
  repeated: boolean;
}

type Row = Customer & {
  rateCount: number;
  sameCount: number | null;
  conversationId: number | null;
  conversationFlow: string | null;
  conversationStep: string | null;
  conversationData: unknown;
  conversationUpdatedAt: Date | null;
};

export async function openCustomerEvent(tx: Tx, input: CustomerInbound, detected: Language | undefined, at: Date, same: string | null = null): Promise<OpenedCustomerEvent | null> {
  const key = `${input.platform}:${input.userId}`;
  // The repeat counter: `key#md5(step, content)`; only the latest message's is kept, so a repeat is consecutive.
  const samePrefix = `${key}#`;
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
    ), same AS (
      INSERT INTO "CustomerRateCounter" ("key", "window", "count")
      SELECT ${samePrefix} || md5(coalesce((SELECT c."flow" || ':' || c."step" FROM "Conversation" c WHERE c."platform" = ${input.platform} AND c."userId" = ${input.userId}), '') || '|' || ${same}::text),
        ${window}::timestamp(3), 1
      WHERE EXISTS (SELECT 1 FROM ev) AND ${same}::text IS NOT NULL
      ON CONFLICT ("key", "window") DO UPDATE SET "count" = "CustomerRateCounter"."count" + 1
      RETURNING "key", "count"
    ), other AS (
      DELETE FROM "CustomerRateCounter" WHERE left("key", length(${samePrefix})) = ${samePrefix} AND EXISTS (SELECT 1 FROM ev)
        AND "key" IS DISTINCT FROM (SELECT "key" FROM same)
    )
    SELECT cu.*, (SELECT "count" FROM rate)::int AS "rateCount", (SELECT "count" FROM same)::int AS "sameCount",
      v."id" AS "conversationId", v."flow" AS "conversationFlow", v."step" AS "conversationStep", v."data" AS "conversationData", v."updatedAt" AS "conversationUpdatedAt"
    FROM cu LEFT JOIN "Conversation" v ON v."platform" = ${input.platform} AND v."userId" = ${input.userId}`;
  const row = rows[0];
  if (!row) return null;
  const { rateCount, sameCount, conversationId, conversationFlow, conversationStep, conversationData, conversationUpdatedAt, ...customer } = row;
  return {
    customer,
    messagesThisMinute: Number(rateCount),
    repeated: Number(sameCount ?? 0) > 1,
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
