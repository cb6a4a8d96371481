/**
 * A staff member's action on a complaint, from a card click (or, later, a typed command): checks who
 * may act, runs the use case in one transaction, retries once on a concurrent change, and always
 * answers with a toast that says what happened, in the staff's language.
 */
import { t, type MessageKey } from '../i18n/index.ts';
import type { AppContext } from './context.ts';
import { AppError } from './errors.ts';
import { findStaff, mayActOn } from './staff-access.ts';
import { acceptComplaint } from './accept-complaint.ts';
import { resolveComplaint, MAX_RESOLUTION } from './resolve-complaint.ts';
import { recordInboundEvent } from './record-inbound-event.ts';
import { enqueueCardRefresh } from './outbox.ts';
import { formatLocalTime } from './format.ts';

export type StaffAction = { kind: 'accept' } | { kind: 'resolve'; resolution: string };

export interface StaffActionInput {
  eventId: string;
  operatorOpenId: string;
  complaintId: number;
  action: StaffAction;
  /** The card message the click came from: a click elsewhere also redraws the complaint's active card. */
  messageId?: string;
}

export interface StaffActionResult {
  toast: { type: 'success' | 'info' | 'warning' | 'error'; text: string };
  /** Set when a card should be rendered in the answer. */
  complaintId?: number;
}

export async function handleStaffAction(ctx: AppContext, input: StaffActionInput): Promise<StaffActionResult> {
  const lang = ctx.config.defaultLanguage;
  const toast = (type: StaffActionResult['toast']['type'], key: MessageKey, params: Record<string, string | number> = {}, withCard = true): StaffActionResult => ({
    toast: { type, text: t(lang, key, params) },
    ...(withCard ? { complaintId: input.complaintId } : {}),
  });
  const staff = findStaff(ctx.config, input.operatorOpenId);
  if (!staff) return toast('error', 'staff.toast.notStaff');
  const actor = { id: `feishu:${staff.openId}`, name: staff.name };

  for (let attempt = 0; ; attempt++) {
    try {
      const result = await ctx.db.$transaction(async (tx) => {
        const complaint = await tx.complaint.findUnique({ where: { id: input.complaintId }, include: { department: true } });
        if (!complaint) return toast('error', 'staff.toast.notFound', {}, false);
        if (!(await recordInboundEvent(tx, 'feishu', input.eventId, ctx.now())))
          return toast('info', 'staff.toast.current', { number: complaint.number, status: t(lang, `card.status.${complaint.status}` as MessageKey) });
        if (!mayActOn(ctx.config, staff, complaint.departmentId)) return toast('error', 'staff.toast.otherDepartment', { number: complaint.number, department: complaint.department.name });
        const active = await tx.cardMessage.findFirst({ where: { complaintId: complaint.id, active: true }, orderBy: { id: 'desc' } });
        if (input.action.kind === 'accept') await acceptComplaint(ctx, tx, { complaintId: complaint.id, actor });
        else await resolveComplaint(ctx, tx, { complaintId: complaint.id, actor, resolution: input.action.resolution });
        if (active && active.messageId !== input.messageId) await enqueueCardRefresh(tx, complaint.id, ctx.now());
        return input.action.kind === 'accept'
          ? toast('success', 'staff.toast.accepted', { number: complaint.number })
          : toast('success', 'staff.toast.resolved', { number: complaint.number });
      });
      ctx.outboxChanged();
      return result;
    } catch (error) {
      if (error instanceof AppError && error.code === 'CONFLICT' && attempt < 2) continue;
      if (error instanceof AppError) return explain(ctx, input, error, toast);
      throw error;
    }
  }
}

async function explain(
  ctx: AppContext,
  input: StaffActionInput,
  error: AppError,
  toast: (type: StaffActionResult['toast']['type'], key: MessageKey, params?: Record<string, string | number>, withCard?: boolean) => StaffActionResult,
): Promise<StaffActionResult> {
  const lang = ctx.config.defaultLanguage;
  if (error.code === 'NOT_FOUND') return toast('error', 'staff.toast.notFound', {}, false);
  if (error.code === 'INVALID_INPUT') {
    return error.details.reason === 'tooLong'
      ? toast('warning', 'staff.toast.resolutionTooLong', { length: Number(error.details.length), max: MAX_RESOLUTION })
      : toast('warning', 'staff.toast.needResolution');
  }
  const complaint = await ctx.db.complaint.findUnique({ where: { id: input.complaintId } });
  if (!complaint) return toast('error', 'staff.toast.notFound', {}, false);
  // Say what already happened: the latest event that put the complaint where it is.
  const last = await ctx.db.complaintEvent.findFirst({ where: { complaintId: complaint.id, toStatus: complaint.status }, orderBy: { id: 'desc' } });
  const who = last?.actorName ?? t(lang, 'system');
  const when = last ? formatLocalTime(last.at, ctx.calendar.timeZone) : '';
  if (complaint.status === 'accepted' && input.action.kind === 'accept') return toast('info', 'staff.toast.alreadyAccepted', { number: complaint.number, who, when });
  if (complaint.status === 'resolved') return toast('info', 'staff.toast.alreadyResolved', { number: complaint.number, who, when });
  return toast('warning', 'staff.toast.notAllowed', { number: complaint.number, status: t(lang, `card.status.${complaint.status}` as MessageKey) });
}
