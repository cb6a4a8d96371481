/**
 * Takes the complaint's row lock for the rest of the transaction and reads it fresh: two staff acting
 * at once on one complaint then run one after the other, and the second sees what the first did.
 * (changeStatus's version check still guards writers that do not lock.) An archived complaint is refused (`ARCHIVED`).
 */
import type { Tx } from '../../store/database.ts';
import { decide, isStatus, type Action } from '../../domain/lifecycle.ts';
import { AppError } from '../shared/errors.ts';

export async function lockComplaint(tx: Tx, complaintId: number, action?: Action) {
  await tx.$queryRaw`SELECT "id" FROM "Complaint" WHERE "id" = ${complaintId} FOR UPDATE`;
  const complaint = await tx.complaint.findUnique({ where: { id: complaintId } });
  if (!complaint) throw new AppError('NOT_FOUND', `complaint ${complaintId} not found`);
  // An archived complaint is read-only (src/app/records/archive-closed-complaints.ts): nothing that locks it may change it.
  if (complaint.archivedAt) throw new AppError('ARCHIVED', `complaint ${complaint.number} is archived`, { complaint });
  if (action) {
    if (!isStatus(complaint.status)) throw new Error(`corrupt status ${complaint.status} on complaint ${complaint.id}`);
    if (!decide(complaint.status, action).ok) throw new AppError('TRANSITION_NOT_ALLOWED', `${action} not allowed from ${complaint.status}`, { complaint });
  }
  return complaint;
}
