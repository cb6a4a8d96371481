/**
 * Transfer (转派) to another department: the complaint waits for the new department to accept it (its
 * accept clock starts again now), the new group gets a fresh card, every earlier card shows where it
 * went and loses its buttons, and the customer is told.
 */
import type { Tx } from '../../store/database.ts';
import { computeDeadlines, type Severity } from '../../domain/sla.ts';
import type { AppContext } from '../shared/context.ts';
import { changeStatus, type Actor } from './change-status.ts';
import { AppError } from '../shared/errors.ts';
import { lockComplaint } from './lock-complaint.ts';
import { moveCardsTo } from './complaint-cards.ts';
import { notifyCustomer } from './notify-customer.ts';
import { requireChoice, requireText, TEXT_LIMITS } from '../staff/staff-input.ts';

export async function transferComplaint(ctx: AppContext, tx: Tx, opts: { complaintId: number; actor: Actor; department: string; reason: string }) {
  const current = await lockComplaint(tx, opts.complaintId, 'transfer');
  const departmentId = requireChoice(opts.department, 'department', ctx.config.departments.map((d) => d.id));
  if (departmentId === current.departmentId) throw new AppError('INVALID_INPUT', 'transfer to the same department', { field: 'department', reason: 'sameDepartment' });
  const reason = requireText(opts.reason, 'reason', TEXT_LIMITS.reason);
  const to = ctx.config.departments.find((d) => d.id === departmentId)!;
  const from = ctx.config.departments.find((d) => d.id === current.departmentId);
  const at = ctx.now();
  const { acceptDueAt } = computeDeadlines({ registeredAt: at, severity: current.severity as Severity, policy: ctx.sla, calendar: ctx.calendarFor(to.id) });
  const { before } = await changeStatus(tx, {
    complaintId: current.id,
    action: 'transfer',
    actor: opts.actor,
    at,
    data: { departmentId: to.id, handlerOpenId: null, handlerName: null, acceptedAt: null, acceptDueAt },
    details: { from: current.departmentId, fromName: from?.name ?? current.departmentId, to: to.id, toName: to.name, reason },
  });
  await moveCardsTo(tx, current.id, to.chatId, at);
  await notifyCustomer(ctx, tx, before, 'staffNotice.transferred', { number: before.number, department: to.name }, at);
  return { before, department: to };
}
