/**
 * De-identification (个人信息保护法 arts. 19, 47): replaces the personal data of a set of complaints, and
 * of their customers once none of the customer's complaints still needs it. One use case for the daily
 * retention job and an approved `/forget`, so both remove exactly the same things.
 *
 * Set-based: a fixed handful of statements per call, whatever the number of complaints. Idempotent: a
 * complaint or customer already de-identified (`deidentifiedAt`) is left alone.
 *
 * What goes (docs/records.md, "Retention and personal data"):
 * - the complaint's customer-written texts: description, request (诉求), address, contact phone, rating
 *   comment — replaced by the marker `DEIDENTIFIED` (so every card, export and list shows it);
 * - in the audit trail: message texts, appeal and reopen reasons, notes, comments, the ids that name the
 *   customer; the customer as actor becomes `customer` (the events, their types, times and status changes stay);
 * - photos and files: the platform file ids, captions and file names; the tasks' texts; the sent messages' payloads;
 * - the customer's name, phone, platform user id and chat id, their conversation, rate counters and kept
 *   pushes — once every complaint of theirs is de-identified (or the customer asked to be forgotten).
 * What stays: number, category, subject (被投诉对象), severity, department, handler, every time and deadline,
 * status, resolution, cause, measure, compensation, rating — the month's figures do not change.
 */
import type { Tx } from '../../store/database.ts';
import type { Actor } from '../complaints/change-status.ts';
import { recordAccess } from './record-access.ts';

/** What a card, an export or a list shows where personal data was. */
export const DEIDENTIFIED = '已匿名化 / de-identified';

/** Keys of an event's details that carry free text or the customer's ids. */
const TEXT_KEYS = ['text', 'comment', 'note', 'question', 'previousResolution', 'recordedFor', 'description', 'phone', 'address', 'name'];
/** Events whose `reason` is the customer's (or staff's) own words rather than a code. */
const FREE_REASON_TYPES = ['appeal', 'reopen', 'transfer', 'escalate', 'extend_deadline', 'ask_customer'];
/** An actor id that names a customer: telegram:123, wechat:o…, offline:phone:138… */
const CUSTOMER_ACTOR = '^(telegram|wechat|offline):';

export interface DeidentifyResult {
  complaints: number;
  numbers: string[];
  customers: number;
  events: number;
  attachments: number;
  tasks: number;
  messages: number;
}

export interface DeidentifyInput {
  /** the complaints to de-identify (already locked or chosen by the caller) */
  complaintIds: number[];
  /** customers to de-identify even if they have no complaint here (an approved /forget) */
  customerIds?: number[];
  at: Date;
  actor: Actor;
  reason: 'retention' | 'forget';
  /** the DataRequest an approved /forget came from */
  requestId?: number;
  /** keep a (not named) customer who wrote since then: they are talking to the bot now (a draft, a new complaint) */
  keepActiveSince?: Date;
}

export async function deidentifyPersonalData(tx: Tx, input: DeidentifyInput): Promise<DeidentifyResult> {
  const { at } = input;
  const marker = DEIDENTIFIED;
  const done = await tx.$queryRaw<{ id: number; number: string; customerId: number }[]>`
    UPDATE "Complaint" SET
      "description" = ${marker},
      "desiredOutcome" = CASE WHEN "desiredOutcome" IS NULL THEN NULL ELSE ${marker} END,
      "address" = CASE WHEN "address" IS NULL THEN NULL ELSE ${marker} END,
      "contactPhone" = NULL,
      "ratingComment" = CASE WHEN "ratingComment" IS NULL THEN NULL ELSE ${marker} END,
      "deidentifiedAt" = ${at},
      "updatedAt" = ${at}
    WHERE "id" = ANY(${input.complaintIds}::int[]) AND "deidentifiedAt" IS NULL
    RETURNING "id", "number", "customerId"`;
  const ids = done.map((c) => c.id);
  let events = 0;
  let attachments = 0;
  let tasks = 0;
  let messages = 0;
  if (ids.length) {
    events = await tx.$executeRaw`
      UPDATE "ComplaintEvent" SET
        "data" = CASE
          WHEN "type" = ANY(${FREE_REASON_TYPES}::text[]) THEN "data" - ${[...TEXT_KEYS, 'reason']}::text[]
          WHEN "type" = 'link_customer' THEN "data" - ${[...TEXT_KEYS, 'from', 'to']}::text[]
          ELSE "data" - ${TEXT_KEYS}::text[] END,
        "actorName" = CASE WHEN "actor" ~ ${CUSTOMER_ACTOR} THEN NULL ELSE "actorName" END,
        "actor" = CASE WHEN "actor" ~ ${CUSTOMER_ACTOR} THEN 'customer' ELSE "actor" END
      WHERE "complaintId" = ANY(${ids}::int[])`;
    attachments = await tx.$executeRaw`
      UPDATE "Attachment" SET "fileId" = ${marker}, "caption" = NULL, "fileName" = NULL WHERE "complaintId" = ANY(${ids}::int[]) AND "fileId" <> ${marker}`;
    tasks = await tx.$executeRaw`UPDATE "CustomerTask" SET "text" = ${marker} WHERE "complaintId" = ANY(${ids}::int[])`;
    // Messages already sent about these complaints (texts to the customer, relays into the thread): their
    // payloads go. Rows still to be sent are left to be sent.
    messages = await tx.$executeRaw`
      UPDATE "OutboxMessage" SET "payload" = '{"deidentified":true}'::jsonb WHERE "complaintId" = ANY(${ids}::int[]) AND "status" = 'sent'`;
    // The audit trail says when and why (one event per complaint, in one statement).
    const details = JSON.stringify({ reason: input.reason, ...(input.requestId ? { request: input.requestId } : {}) });
    await tx.$executeRaw`
      INSERT INTO "ComplaintEvent" ("complaintId", "type", "fromStatus", "toStatus", "actor", "actorName", "data", "at")
      SELECT "id", 'deidentify', "status", "status", ${input.actor.id}, ${input.actor.name ?? null}, ${details}::jsonb, ${at}
      FROM "Complaint" WHERE "id" = ANY(${ids}::int[])`;
  }

  // Customers: those named, and those of these complaints with no complaint left that is not de-identified.
  const candidates = [...new Set([...done.map((c) => c.customerId), ...(input.customerIds ?? [])])];
  const forced = input.customerIds ?? [];
  const customers = candidates.length
    ? await tx.$queryRaw<{ id: number; platform: string; userId: string; chatId: string }[]>`
        SELECT c."id", c."platform", c."platformUserId" AS "userId", c."chatId"
        FROM "Customer" c
        WHERE c."id" = ANY(${candidates}::int[]) AND c."deidentifiedAt" IS NULL
          AND (c."id" = ANY(${forced}::int[]) OR (
            NOT EXISTS (SELECT 1 FROM "Complaint" o WHERE o."customerId" = c."id" AND o."deidentifiedAt" IS NULL)
            AND (${input.keepActiveSince ?? null}::timestamp(3) IS NULL OR c."lastInboundAt" IS NULL OR c."lastInboundAt" < ${input.keepActiveSince ?? null}::timestamp(3))))
        FOR UPDATE`
    : [];
  if (customers.length) {
    const customerIds = customers.map((c) => c.id);
    const platforms = customers.map((c) => c.platform);
    const userIds = customers.map((c) => c.userId);
    const keys = customers.map((c) => `${c.platform}:${c.userId}`);
    const withChat = customers.filter((c) => c.chatId);
    const wechatIds = customers.filter((c) => c.platform === 'wechat').map((c) => c.userId);
    await tx.$executeRaw`
      UPDATE "Customer" SET "displayName" = ${marker}, "phone" = NULL, "platformUserId" = 'deidentified:' || "id", "chatId" = '',
        "lastButtons" = NULL, "deidentifiedAt" = ${at}
      WHERE "id" = ANY(${customerIds}::int[])`;
    // (platform, userId) pairs: the unique index answers, whatever the table's size
    await tx.$executeRaw`
      DELETE FROM "Conversation" WHERE ("platform", "userId") IN (SELECT * FROM unnest(${platforms}::text[], ${userIds}::text[]))`;
    await tx.$executeRaw`DELETE FROM "CustomerRateCounter" WHERE "key" = ANY(${keys}::text[])`;
    if (wechatIds.length)
      await tx.$executeRaw`DELETE FROM "InboxPush" WHERE "platform" = 'wechat' AND "handledAt" IS NOT NULL AND "payload"->>'userId' = ANY(${wechatIds}::text[])`;
    if (withChat.length)
      messages += await tx.$executeRaw`
        UPDATE "OutboxMessage" SET "payload" = '{"deidentified":true}'::jsonb, "target" = ''
        WHERE ("channel", "target") IN (SELECT * FROM unnest(${withChat.map((c) => c.platform)}::text[], ${withChat.map((c) => c.chatId)}::text[])) AND "status" = 'sent'`;
  }

  const result: DeidentifyResult = {
    complaints: ids.length,
    numbers: done.map((c) => c.number).sort(),
    customers: customers.length,
    events,
    attachments,
    tasks,
    messages,
  };
  if (result.complaints || result.customers)
    await recordAccess(tx, {
      kind: 'deidentify',
      actor: input.actor,
      at,
      customerId: forced.length === 1 ? forced[0] : null,
      complaintId: ids.length === 1 ? ids[0] : null,
      details: { reason: input.reason, ...(input.requestId ? { request: input.requestId } : {}), ...result, customerIds: customers.map((c) => c.id) },
    });
  return result;
}
