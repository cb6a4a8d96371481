/**
 * Per-customer delivery state for channels that limit what the company may send (WeChat official
 * accounts: 5 messages in the 48 hours after the customer wrote). The count lives in the database and
 * every send claims its slot with one conditional UPDATE, so several instances never overspend it.
 * `handleCustomerMessage` reopens the window (resets the count) and releases held messages when the
 * customer writes.
 */
import type { Db, Tx } from '../../store/database.ts';
import { messagingWindow, WECHAT_WINDOW, type MessagingWindow, type WindowLimits } from '../../domain/messaging-window.ts';

type Client = Pick<Db, '$queryRaw' | '$executeRaw' | 'customer'> | Tx;

/** The customer's window now: whether a message may be sent, how many remain, when it closes. */
export async function customerWindow(db: Pick<Db, 'customer'> | Tx, customerId: number, now: Date, limits: WindowLimits = WECHAT_WINDOW): Promise<MessagingWindow> {
  const c = await db.customer.findUnique({ where: { id: customerId }, select: { lastInboundAt: true, sentSinceInbound: true } });
  return messagingWindow({ lastInboundAt: c?.lastInboundAt ?? null, sentSinceInbound: c?.sentSinceInbound ?? 0 }, now, limits);
}

export interface WindowSlot {
  /** 1 for the first message after the customer wrote, `limits.messages` for the last one. */
  slot: number;
  /** Messages still allowed after this one. */
  remaining: number;
  /** The customer's last message time the slot belongs to. */
  lastInboundAt: Date;
}

/**
 * The customer wrote: their window opens again with its full count. Called by the channel as soon as
 * the platform delivers the message (the platform opens the window on receipt, whatever we make of it).
 * A customer not stored yet is created by the app with a fresh window.
 */
export async function reopenWindow(db: Client, platform: string, userId: string, at: Date): Promise<void> {
  await db.$executeRaw`
    UPDATE "Customer" SET "lastInboundAt" = GREATEST(COALESCE("lastInboundAt", ${at}), ${at}), "sentSinceInbound" = 0
    WHERE "platform" = ${platform} AND "platformUserId" = ${userId}`;
}

/** Claims one message of the customer's window, or returns null when it is closed (nothing changes then). */
export async function reserveWindowSlot(db: Client, platform: string, userId: string, now: Date, limits: WindowLimits = WECHAT_WINDOW): Promise<WindowSlot | null> {
  const cutoff = new Date(now.getTime() - limits.hours * 3_600_000);
  const rows = await db.$queryRaw<{ sentSinceInbound: number; lastInboundAt: Date }[]>`
    UPDATE "Customer" SET "sentSinceInbound" = "sentSinceInbound" + 1
    WHERE "platform" = ${platform} AND "platformUserId" = ${userId}
      AND "lastInboundAt" > ${cutoff} AND "sentSinceInbound" < ${limits.messages}
    RETURNING "sentSinceInbound", "lastInboundAt"`;
  const row = rows[0];
  if (!row) return null;
  const slot = Number(row.sentSinceInbound);
  return { slot, remaining: limits.messages - slot, lastInboundAt: new Date(row.lastInboundAt) };
}

/** Gives a slot back after the platform definitely refused the message (it was not delivered). */
export async function refundWindowSlot(db: Client, platform: string, userId: string, slot: WindowSlot): Promise<void> {
  await db.$executeRaw`
    UPDATE "Customer" SET "sentSinceInbound" = GREATEST("sentSinceInbound" - 1, 0)
    WHERE "platform" = ${platform} AND "platformUserId" = ${userId} AND "lastInboundAt" = ${slot.lastInboundAt}`;
}

/**
 * The platform says the window is closed although we counted it open (its clock or count differs):
 * trust the platform. Returns false when the customer has written since the slot was claimed, i.e. the
 * window reopened meanwhile and the message should simply be tried again.
 */
export async function closeWindow(db: Client, platform: string, userId: string, slot: WindowSlot, limits: WindowLimits = WECHAT_WINDOW): Promise<boolean> {
  const changed = await db.$executeRaw`
    UPDATE "Customer" SET "sentSinceInbound" = GREATEST("sentSinceInbound", ${limits.messages})
    WHERE "platform" = ${platform} AND "platformUserId" = ${userId} AND "lastInboundAt" = ${slot.lastInboundAt}`;
  return changed > 0;
}

/**
 * Puts held messages back in line for every customer whose window is open. Normally the customer's next
 * message releases them; this catches a message held in the instant the customer wrote.
 */
export async function releaseHeldInOpenWindows(db: Client, platform: string, now: Date, limits: WindowLimits = WECHAT_WINDOW): Promise<number> {
  const cutoff = new Date(now.getTime() - limits.hours * 3_600_000);
  return db.$executeRaw`
    UPDATE "OutboxMessage" SET "status" = 'pending', "nextAttemptAt" = ${now}
    WHERE "channel" = ${platform} AND "status" = 'held' AND "target" IN (
      SELECT "chatId" FROM "Customer"
      WHERE "platform" = ${platform} AND "lastInboundAt" > ${cutoff} AND "sentSinceInbound" < ${limits.messages})`;
}
