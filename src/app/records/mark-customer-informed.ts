/**
 * For a customer without a chat: a staff member called them and told them what the task on the card
 * says. The task is marked done with who and when, and the audit trail records it.
 */
import type { Tx } from '../../store/database.ts';
import type { AppContext } from '../shared/context.ts';
import { AppError } from '../shared/errors.ts';
import { recordEvent, type Actor } from '../complaints/change-status.ts';

export async function markCustomerInformed(ctx: AppContext, tx: Tx, opts: { complaintId: number; taskId: number; actor: Actor }) {
  const task = await tx.customerTask.findUnique({ where: { id: opts.taskId } });
  if (!task || task.complaintId !== opts.complaintId) throw new AppError('INVALID_INPUT', `task ${opts.taskId} is not this complaint's`, { reason: 'unknownTask' });
  if (task.doneAt) throw new AppError('INVALID_INPUT', 'task already done', { reason: 'taskDone', who: task.doneByName ?? '', when: task.doneAt.toISOString() });
  const at = ctx.now();
  const done = await tx.customerTask.updateMany({ where: { id: task.id, doneAt: null }, data: { doneAt: at, doneBy: opts.actor.id, doneByName: opts.actor.name ?? null } });
  if (done.count !== 1) throw new AppError('CONFLICT', 'task changed concurrently');
  const complaint = await tx.complaint.findUniqueOrThrow({ where: { id: opts.complaintId }, select: { status: true } });
  await recordEvent(tx, { complaintId: opts.complaintId, type: 'customer_informed', actor: opts.actor, at, fromStatus: complaint.status, toStatus: complaint.status, details: { task: task.id, text: task.text } });
  return task;
}
