/**
 * A supervisor or manager decides a customer's deletion request on its card in the supervision chat.
 * Refused (a reason is required): the customer is told the reason. Approved: the customer's unfinished
 * complaints are closed first through the lifecycle (audited, the department told), then their personal
 * data is de-identified exactly as the retention job does (deidentify-personal-data.ts), and the
 * customer is told. Every decision is recorded on the request and in the access log; the answer replaces
 * the card with who decided what and when. Anyone else gets a toast and nothing changes.
 */
import { t, type MessageKey } from '../../i18n/index.ts';
import type { StaffConfig } from '../../config/schema.ts';
import type { Tx } from '../../store/database.ts';
import type { DataRequest } from '../../store/generated/client.ts';
import type { AppContext } from '../shared/context.ts';
import { batchOutbox, enqueue } from '../shared/outbox.ts';
import { formatLocalTime } from '../shared/format.ts';
import { recordInboundEvent } from '../shared/record-inbound-event.ts';
import type { StaffActionResult, ToastType } from '../staff/handle-staff-action.ts';
import { changeStatus, type Actor } from '../complaints/change-status.ts';
import { lockComplaint } from '../complaints/lock-complaint.ts';
import { refreshComplaintCards } from '../complaints/complaint-cards.ts';
import { customerLanguage, customerTarget } from '../customers/customer-helpers.ts';
import { recordAccess } from './record-access.ts';
import { deidentifyPersonalData } from './deidentify-personal-data.ts';
import { FINISHED_STATUSES } from './request-data-deletion.ts';
import { DATA_REQUEST_REASON_MAX, renderDataRequestDecidedCard } from '../../../cards/data-request-card.ts';

/** Who may decide: supervisors, managers and the supervision staff themselves (监督). */
export const DECIDING_ROLES = ['supervisor', 'manager', 'supervision'];

type Decision = { requestId: number; decision: 'approve' | 'refuse'; reason: string };

export async function decideDataRequest(ctx: AppContext, staff: StaffConfig, eventId: string, action: Decision): Promise<StaffActionResult> {
  const lang = ctx.config.defaultLanguage;
  const toast = (type: ToastType, key: MessageKey, params: Record<string, string | number> = {}, card?: object): StaffActionResult => ({ toast: { type, text: t(lang, key, params) }, ...(card ? { card } : {}) });
  if (!DECIDING_ROLES.includes(staff.role)) {
    ctx.log.warn({ operator: staff.openId, request: action.requestId }, 'data request decision refused: not a supervisor or manager');
    return toast('error', 'forget.toast.notAllowed');
  }
  const reason = action.reason.trim();
  if (action.decision === 'refuse' && !reason) return toast('warning', 'forget.toast.needReason');
  if (reason.length > DATA_REQUEST_REASON_MAX) return toast('warning', 'forget.toast.tooLong', { length: reason.length, max: DATA_REQUEST_REASON_MAX });
  const actor: Actor = { id: `feishu:${staff.openId}`, name: staff.name };

  const result = await ctx.db.$transaction((tx) =>
    batchOutbox(tx, async (): Promise<StaffActionResult> => {
      const at = ctx.now();
      const [locked] = await tx.$queryRaw<DataRequest[]>`SELECT * FROM "DataRequest" WHERE "id" = ${action.requestId} FOR UPDATE`;
      if (!locked) return toast('error', 'forget.toast.notFound');
      if (locked.status !== 'pending' || !(await recordInboundEvent(tx, 'feishu', eventId, at))) return toast('info', 'forget.toast.decided', { status: decidedText(ctx, locked) }, decidedCard(ctx, locked));
      const customer = await tx.customer.findUniqueOrThrow({ where: { id: locked.customerId } });
      // Captured before de-identification removes it: the customer's chat for the answer.
      const target = customerTarget(customer);
      const customerLang = customerLanguage(customer, ctx.config);
      if (action.decision === 'refuse') {
        const decided = await tx.dataRequest.update({ where: { id: locked.id }, data: { status: 'refused', decidedAt: at, decidedBy: actor.id, decidedByName: staff.name, reason } });
        await recordAccess(tx, { kind: 'forget_decision', actor, at, customerId: customer.id, details: { request: locked.id, decision: 'refused', reason } });
        await enqueue(tx, { ...target, kind: 'text', payload: { text: t(customerLang, 'forget.refused', { id: locked.id, reason }) } }, at);
        return toast('success', 'forget.toast.refused', {}, decidedCard(ctx, decided));
      }
      const closed = await closeUnfinished(ctx, tx, customer.id, locked.id, actor, at);
      const all = await tx.complaint.findMany({ where: { customerId: customer.id }, select: { id: true } });
      const removed = await deidentifyPersonalData(tx, { complaintIds: all.map((c) => c.id), customerIds: [customer.id], at, actor, reason: 'forget', requestId: locked.id });
      for (const c of all) await refreshComplaintCards(tx, c.id, at); // the cards show 已匿名化 where the data was
      const decided = await tx.dataRequest.update({
        where: { id: locked.id },
        data: { status: 'approved', decidedAt: at, decidedBy: actor.id, decidedByName: staff.name, reason: reason || null },
      });
      await recordAccess(tx, {
        kind: 'forget_decision',
        actor,
        at,
        customerId: customer.id,
        details: { request: locked.id, decision: 'approved', ...(reason ? { reason } : {}), closed: closed.length, complaints: removed.complaints, numbers: removed.numbers },
      });
      if (target.target) await enqueue(tx, { ...target, kind: 'text', payload: { text: t(customerLang, 'forget.approved', { id: locked.id, closed: closed.length }) } }, at);
      return toast('success', 'forget.toast.approved', {}, decidedCard(ctx, decided, { closed: closed.length, complaints: removed.complaints }));
    }),
  );
  ctx.outboxChanged();
  ctx.log.info({ operator: staff.openId, request: action.requestId, decision: action.decision }, 'data request decided');
  return result;
}

/** Closes every unfinished complaint of the customer through the lifecycle, telling each department. */
async function closeUnfinished(ctx: AppContext, tx: Tx, customerId: number, requestId: number, actor: Actor, at: Date): Promise<string[]> {
  const open = await tx.complaint.findMany({ where: { customerId, status: { notIn: FINISHED_STATUSES } }, select: { id: true }, orderBy: { id: 'asc' } });
  const numbers: string[] = [];
  for (const { id } of open) {
    const complaint = await lockComplaint(tx, id);
    await changeStatus(tx, {
      complaintId: id,
      action: complaint.status === 'resolved' ? 'close' : 'withdraw',
      actor,
      at,
      data: { closedAt: at, closeReason: 'data_deletion' },
      details: { reason: 'data_deletion', request: requestId },
    });
    const department = ctx.config.departments.find((d) => d.id === complaint.departmentId);
    if (department)
      await enqueue(tx, { channel: 'feishu', kind: 'text', target: department.chatId, payload: { text: t(ctx.config.defaultLanguage, 'forget.closeNotice', { number: complaint.number, id: requestId }) }, complaintId: id }, at);
    numbers.push(complaint.number);
  }
  return numbers;
}

function decidedText(ctx: AppContext, r: DataRequest): string {
  const lang = ctx.config.defaultLanguage;
  return r.status === 'refused' ? t(lang, 'mydata.request.refused', { reason: r.reason ?? '' }) : t(lang, `mydata.request.${r.status}` as MessageKey);
}

function decidedCard(ctx: AppContext, r: DataRequest, counts?: { closed: number; complaints: number }): object | undefined {
  if (r.status === 'pending') return undefined;
  const lang = ctx.config.defaultLanguage;
  const params = { name: r.decidedByName ?? r.decidedBy ?? '', time: r.decidedAt ? formatLocalTime(r.decidedAt, ctx.calendar.timeZone) : '', reason: r.reason ?? '' };
  const text =
    r.status === 'approved'
      ? t(lang, 'forget.card.approved', { ...params, closed: counts?.closed ?? '—', complaints: counts?.complaints ?? '—' })
      : t(lang, 'forget.card.refusedBy', params);
  return renderDataRequestDecidedCard({ id: r.id, approved: r.status === 'approved', text, language: lang });
}
