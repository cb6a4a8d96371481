/**
 * The customer answered the question staff asked (the complaint was waiting for them): it goes back to
 * in_progress and the business time spent waiting (pausedAt → now) is added to the resolve deadline and
 * the hard limit, so waiting never counts against the department. One place for both ways an answer
 * arrives: in the customer's chat (relay-customer-message.ts) and, for a customer without a chat,
 * entered by staff after a call (records/record-customer-answer.ts).
 */
import type { Tx } from '../../store/database.ts';
import type { Complaint, Prisma } from '../../store/generated/client.ts';
import type { AppContext } from '../shared/context.ts';
import { resumeAfterPause } from '../../domain/deadline-adjustments.ts';
import { changeStatus, type Actor } from './change-status.ts';

export async function customerAnswered(
  ctx: AppContext,
  tx: Tx,
  complaint: Pick<Complaint, 'id' | 'departmentId' | 'pausedAt' | 'pausedMinutes' | 'resolveDueAt' | 'hardLimitAt'>,
  opts: { actor: Actor; at: Date; details: Prisma.InputJsonObject },
): Promise<{ pausedMinutes: number }> {
  const resumed = complaint.pausedAt
    ? resumeAfterPause({ pausedAt: complaint.pausedAt, now: opts.at, resolveDueAt: complaint.resolveDueAt, hardLimitAt: complaint.hardLimitAt, calendar: ctx.calendarFor(complaint.departmentId) })
    : null;
  await changeStatus(tx, {
    complaintId: complaint.id,
    action: 'customer_replied',
    actor: opts.actor,
    at: opts.at,
    data: resumed
      ? { pausedAt: null, pausedMinutes: complaint.pausedMinutes + resumed.pausedMinutes, resolveDueAt: resumed.resolveDueAt, hardLimitAt: resumed.hardLimitAt }
      : { pausedAt: null },
    details: { ...opts.details, pausedMinutes: resumed?.pausedMinutes ?? 0 },
  });
  return { pausedMinutes: resumed?.pausedMinutes ?? 0 };
}
