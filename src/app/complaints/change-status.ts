/**
 * The one place that writes a complaint's status: asks the lifecycle table, updates the row only if
 * nobody changed it since it was read (version check), and appends the audit event in the same transaction.
 * `recordEvent` appends an audit event for what changes no status (a note, a message, a reveal).
 */
import type { Tx } from '../../store/database.ts';
import type { Prisma } from '../../store/generated/client.ts';
import { decide, isStatus, type Action } from '../../domain/lifecycle.ts';
import { AppError } from '../shared/errors.ts';

export interface Actor {
  /** `feishu:ou_…`, `telegram:123`, `system` */
  id: string;
  name?: string;
}

export async function changeStatus(
  tx: Tx,
  args: {
    complaintId: number;
    action: Action;
    actor: Actor;
    at: Date;
    data?: Prisma.ComplaintUncheckedUpdateManyInput;
    details?: Record<string, unknown>;
  },
) {
  const complaint = await tx.complaint.findUnique({ where: { id: args.complaintId } });
  if (!complaint) throw new AppError('NOT_FOUND', `complaint ${args.complaintId} not found`);
  if (complaint.archivedAt) throw new AppError('ARCHIVED', `complaint ${complaint.number} is archived`, { complaint });
  if (!isStatus(complaint.status)) throw new Error(`corrupt status ${complaint.status} on complaint ${complaint.id}`);
  const decision = decide(complaint.status, args.action);
  if (!decision.ok) throw new AppError('TRANSITION_NOT_ALLOWED', `${args.action} not allowed from ${complaint.status}`, { complaint });
  const updated = await tx.complaint.updateMany({
    where: { id: complaint.id, version: complaint.version },
    // nextDueAt = now: any change may start or stop an SLA clock, so the sweep (src/jobs) looks at it again.
    data: { ...args.data, status: decision.to, version: { increment: 1 }, updatedAt: args.at, nextDueAt: args.at },
  });
  if (updated.count !== 1) throw new AppError('CONFLICT', `complaint ${complaint.number} changed concurrently`);
  await recordEvent(tx, { complaintId: complaint.id, type: args.action, actor: args.actor, at: args.at, fromStatus: decision.from, toStatus: decision.to, details: args.details });
  return { before: complaint, to: decision.to };
}

/** Appends one audit event: who did what to which complaint, when, and the details. */
export async function recordEvent(
  tx: Tx,
  args: { complaintId: number; type: string; actor: Actor; at: Date; fromStatus?: string | null; toStatus?: string | null; details?: Record<string, unknown> },
): Promise<void> {
  await tx.complaintEvent.create({
    data: {
      complaintId: args.complaintId,
      type: args.type,
      fromStatus: args.fromStatus ?? null,
      toStatus: args.toStatus ?? null,
      actor: args.actor.id,
      actorName: args.actor.name ?? null,
      data: (args.details ?? {}) as Prisma.InputJsonValue,
      at: args.at,
    },
  });
}
