/**
 * Appends one line to the access log (AccessLog): who saw or handled personal data, when, and about
 * whom. Written in the same transaction as what it records, so a view or an export is never without
 * its line.
 */
import type { Db, Tx } from '../../store/database.ts';
import type { Prisma } from '../../store/generated/client.ts';
import type { Actor } from '../complaints/change-status.ts';

export const ACCESS_KINDS = ['phone_view', 'export', 'export_full', 'deidentify', 'data_request', 'forget_request', 'forget_decision', 'access_export'] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

export async function recordAccess(
  db: Db | Tx,
  entry: { kind: AccessKind; actor: Actor; at: Date; complaintId?: number | null; customerId?: number | null; details?: Record<string, unknown> },
): Promise<void> {
  await db.accessLog.create({
    data: {
      kind: entry.kind,
      actor: entry.actor.id,
      actorName: entry.actor.name ?? null,
      at: entry.at,
      complaintId: entry.complaintId ?? null,
      customerId: entry.customerId ?? null,
      details: (entry.details ?? {}) as Prisma.InputJsonValue,
    },
  });
}
