/**
 * Limits against abuse, counted in the database so they hold across instances: messages per customer
 * per minute (a fixed window), and new complaints per customer in any 24 hours.
 */
import type { Tx } from '../../store/database.ts';
import type { AppConfig } from '../../config/schema.ts';

const MINUTE = 60_000;
const DAY = 24 * 3600_000;

export type FloodVerdict = { kind: 'ok' } | { kind: 'notify'; until: Date } | { kind: 'ignore' };

/** The start of the fixed one-minute window `at` falls in. */
export function rateWindow(at: Date): Date {
  return new Date(Math.floor(at.getTime() / MINUTE) * MINUTE);
}

/**
 * What to do with a message that is the `count`-th from its customer in the window of `at` (counted in
 * the database by openCustomerEvent). The first message over the limit gets one notice; the rest of that
 * minute is ignored.
 */
export function floodVerdict(config: AppConfig, count: number, at: Date): FloodVerdict {
  const limit = config.customerLimits.messagesPerMinute;
  if (count <= limit) return { kind: 'ok' };
  return count === limit + 1 ? { kind: 'notify', until: new Date(rateWindow(at).getTime() + MINUTE) } : { kind: 'ignore' };
}

/** Whether the customer may file another complaint now, and if not, from when. */
export async function complaintQuota(tx: Tx, config: AppConfig, customerId: number, at: Date): Promise<{ allowed: true } | { allowed: false; limit: number; nextAt: Date }> {
  const limit = config.customerLimits.complaintsPerDay;
  const recent = await tx.complaint.findMany({
    where: { customerId, registeredAt: { gt: new Date(at.getTime() - DAY) } },
    orderBy: { registeredAt: 'desc' },
    take: limit,
    select: { registeredAt: true },
  });
  if (recent.length < limit) return { allowed: true };
  // The oldest of the last `limit` complaints leaves the 24-hour window first.
  return { allowed: false, limit, nextAt: new Date(recent[recent.length - 1]!.registeredAt.getTime() + DAY) };
}
