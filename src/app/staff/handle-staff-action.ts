/**
 * A staff member's action on a complaint, from a card click: checks who may act and that the card is
 * the complaint's current one, runs the use case in one transaction (holding the complaint's row lock,
 * so two clicks at once run one after the other), and always answers with a toast that says what
 * happened or why nothing did, in the staff's language. Nothing is changed unless the toast says so.
 */
import { t, type MessageKey } from '../../i18n/index.ts';
import type { StaffConfig } from '../../config/schema.ts';
import type { Tx } from '../../store/database.ts';
import type { AppContext } from '../shared/context.ts';
import type { Actor } from '../complaints/change-status.ts';
import { AppError } from '../shared/errors.ts';
import { findStaff, mayActOn } from './staff-access.ts';
import { lockComplaint } from '../complaints/lock-complaint.ts';
import { recordInboundEvent } from '../shared/record-inbound-event.ts';
import { refreshComplaintCards } from '../complaints/complaint-cards.ts';
import { batchOutbox } from '../shared/outbox.ts';
import { formatLocalTime } from '../shared/format.ts';
import { acceptComplaint } from '../complaints/accept-complaint.ts';
import { resolveComplaint, type ResolutionInput } from '../complaints/resolve-complaint.ts';
import { replyToCustomer } from '../complaints/reply-to-customer.ts';
import { askCustomer } from '../complaints/ask-customer.ts';
import { addInternalNote } from '../complaints/add-internal-note.ts';
import { transferComplaint } from '../complaints/transfer-complaint.ts';
import { escalateComplaint } from '../complaints/escalate-complaint.ts';
import { changeClassification } from '../complaints/change-classification.ts';
import { extendComplaintDeadline } from '../complaints/extend-deadline.ts';
import { rejectComplaint } from '../complaints/reject-complaint.ts';
import { reopenComplaint } from '../complaints/reopen-complaint.ts';
import { revealPhone } from '../complaints/reveal-phone.ts';
import type { IntakeForm } from '../records/register-offline-complaint.ts';
import { markCustomerInformed } from '../records/mark-customer-informed.ts';
import { recordRatingByStaff } from '../records/record-rating-by-staff.ts';
import { linkChatCustomer } from '../records/link-chat-customer.ts';
import { recordCustomerAnswer } from '../records/record-customer-answer.ts';
import { handleIntake } from '../records/handle-intake.ts';
import { decideDataRequest } from '../records/decide-data-request.ts';

export type StaffAction =
  | { kind: 'accept' }
  | ({ kind: 'resolve' } & ResolutionInput)
  | { kind: 'reply'; text: string }
  | { kind: 'ask'; text: string }
  | { kind: 'note'; text: string }
  /** a Reply/Ask/Note click from a card with the old shared text box: refused, the card redrawn */
  | { kind: 'legacy_message_form'; intended: 'reply' | 'ask' | 'note' }
  | { kind: 'transfer'; department: string; reason: string }
  | { kind: 'escalate'; reason: string; fromTier?: number }
  | { kind: 'classify'; category: string; severity: string }
  | { kind: 'extend'; extension: string; reason: string }
  | { kind: 'reject'; reason: string; note: string }
  | { kind: 'reopen'; reason: string }
  | { kind: 'reveal' }
  | { kind: 'informed'; taskId: number }
  | { kind: 'staff_rate'; rating: string; comment: string }
  | { kind: 'link' }
  | { kind: 'answered'; text: string }
  | { kind: 'intake'; nonce: string; form: IntakeForm }
  | { kind: 'data_request'; requestId: number; decision: 'approve' | 'refuse'; reason: string };

export interface StaffActionInput {
  eventId: string;
  operatorOpenId: string;
  complaintId: number;
  action: StaffAction;
  /** The card message the click came from: only the complaint's current cards take actions. */
  messageId?: string;
}

export type ToastType = 'success' | 'info' | 'warning' | 'error';

export interface StaffActionResult {
  toast: { type: ToastType; text: string };
  /** Set when a card should be rendered in the answer. */
  complaintId?: number;
  /** A card to answer with instead (the /new form, once registered). */
  card?: object;
}

interface Done {
  key: MessageKey;
  params: Record<string, string | number>;
}

type Complaint = Awaited<ReturnType<typeof lockComplaint>>;

/** Runs one action; returns the success toast. Throws AppError when nothing may change. */
async function run(ctx: AppContext, tx: Tx, c: Complaint, staff: StaffConfig, actor: Actor, action: StaffAction): Promise<Done> {
  const complaintId = c.id;
  const number = c.number;
  const time = (d: Date) => formatLocalTime(d, ctx.calendar.timeZone);
  switch (action.kind) {
    case 'accept':
      await acceptComplaint(ctx, tx, { complaintId, actor });
      return { key: 'staff.toast.accepted', params: { number } };
    case 'resolve':
      await resolveComplaint(ctx, tx, { ...action, complaintId, actor });
      return { key: 'staff.toast.resolved', params: { number } };
    case 'reply':
      await replyToCustomer(ctx, tx, { complaintId, actor, text: action.text });
      return { key: 'staff.toast.replied', params: { number } };
    case 'ask':
      await askCustomer(ctx, tx, { complaintId, actor, text: action.text });
      return { key: 'staff.toast.asked', params: { number } };
    case 'note':
      await addInternalNote(ctx, tx, { complaintId, actor, text: action.text });
      return { key: 'staff.toast.noted', params: { number } };
    case 'transfer': {
      const { department } = await transferComplaint(ctx, tx, { complaintId, actor, department: action.department, reason: action.reason });
      return { key: 'staff.toast.transferred', params: { number, department: department.name } };
    }
    case 'escalate': {
      const { tier } = await escalateComplaint(ctx, tx, { complaintId, actor, reason: action.reason, fromTier: action.fromTier });
      return { key: 'staff.toast.escalated', params: { number, tier: t(ctx.config.defaultLanguage, tier >= 2 ? 'card.escalation.2' : 'card.escalation.1') } };
    }
    case 'classify': {
      const { deadlines, severity, categoryName } = await changeClassification(ctx, tx, { complaintId, actor, category: action.category, severity: action.severity });
      const sev = t(ctx.config.defaultLanguage, `card.severity.${severity}`);
      return { key: 'staff.toast.classified', params: { number, category: categoryName, severity: sev, resolveBy: time(deadlines.resolveDueAt) } };
    }
    case 'extend': {
      const { resolveDueAt } = await extendComplaintDeadline(ctx, tx, { complaintId, actor, extension: action.extension, reason: action.reason });
      return { key: 'staff.toast.extended', params: { number, due: time(resolveDueAt) } };
    }
    case 'reject':
      await rejectComplaint(ctx, tx, { complaintId, actor, reason: action.reason, note: action.note });
      return { key: 'staff.toast.rejected', params: { number } };
    case 'reopen': {
      const { recontactDueAt } = await reopenComplaint(ctx, tx, { complaintId, actor, reason: action.reason });
      return { key: 'staff.toast.reopened', params: { number, due: time(recontactDueAt) } };
    }
    case 'reveal': {
      const { phone } = await revealPhone(ctx, tx, { complaintId, actor, staff });
      return { key: 'staff.toast.revealed', params: { number, phone } };
    }
    case 'informed':
      await markCustomerInformed(ctx, tx, { complaintId, taskId: action.taskId, actor });
      return { key: 'staff.toast.informed', params: { number } };
    case 'staff_rate': {
      const { rating, reopened } = await recordRatingByStaff(ctx, tx, { complaintId, actor, rating: action.rating, comment: action.comment });
      if (!reopened) return { key: 'staff.toast.rated', params: { number, rating } };
      // the recontact deadline of the new round, as a time (48 business hours, not 48 wall-clock hours)
      const { firstReplyDueAt } = await tx.complaint.findUniqueOrThrow({ where: { id: complaintId }, select: { firstReplyDueAt: true } });
      return { key: 'staff.toast.ratedLow', params: { number, rating, due: time(firstReplyDueAt) } };
    }
    case 'link':
      await linkChatCustomer(ctx, tx, { complaintId, actor });
      return { key: 'staff.toast.linked', params: { number } };
    case 'answered':
      await recordCustomerAnswer(ctx, tx, { complaintId, actor, text: action.text });
      return { key: 'answerTask.toast.recorded', params: { number } };
    case 'intake':
      throw new Error('intake is handled before any complaint is locked');
    case 'legacy_message_form':
      throw new Error('a legacy message form is answered before any complaint is locked');
    case 'data_request':
      throw new Error('data requests are handled before any complaint is locked');
  }
}

export async function handleStaffAction(ctx: AppContext, input: StaffActionInput): Promise<StaffActionResult> {
  const lang = ctx.config.defaultLanguage;
  const toast = (type: ToastType, key: MessageKey, params: Record<string, string | number> = {}, withCard = true): StaffActionResult => ({
    toast: { type, text: t(lang, key, params) },
    ...(withCard ? { complaintId: input.complaintId } : {}),
  });
  // The clicked message decides which complaint a card action is about: each posted card is bound to its
  // complaint (CardMessage). A value naming another complaint is forged or mixed up: refuse it without
  // drawing anything (the answer would otherwise redraw this message as the other complaint's card).
  const posted = input.messageId ? await ctx.db.cardMessage.findFirst({ where: { messageId: input.messageId }, select: { complaintId: true, active: true } }) : null;
  if (posted && posted.complaintId !== input.complaintId) {
    ctx.log.warn({ operator: input.operatorOpenId, messageId: input.messageId, cardComplaintId: posted.complaintId, valueComplaintId: input.complaintId, action: input.action.kind }, 'staff action refused: the value names another complaint than the clicked card');
    return { toast: { type: 'error', text: t(lang, 'staff.toast.forged') } };
  }
  const staff = findStaff(ctx.config, input.operatorOpenId);
  if (!staff) {
    ctx.log.warn({ operator: input.operatorOpenId, complaintId: input.complaintId, action: input.action.kind }, 'staff action refused: not in the staff list');
    return toast('error', 'staff.toast.notStaff');
  }
  const actor: Actor = { id: `feishu:${staff.openId}`, name: staff.name };
  if (input.action.kind === 'intake') return handleIntake(ctx, staff, input.eventId, input.action);
  // A card posted before Reply, Ask and Internal note had their own boxes: the typed text may have been
  // meant for another audience than the button says. Nothing is sent or recorded; the answer redraws the
  // card with the separate forms and says to type it again in the right one.
  if (input.action.kind === 'legacy_message_form') {
    ctx.log.info({ operator: staff.openId, complaintId: input.complaintId, intended: input.action.intended }, 'staff action refused: the old shared message box');
    return toast('warning', 'staff.toast.legacyMessageForm', { button: t(lang, `card.button.${input.action.intended}` as MessageKey) });
  }
  if (input.action.kind === 'data_request') return decideDataRequest(ctx, staff, input.eventId, input.action);

  for (let attempt = 0; ; attempt++) {
    try {
      const result = await ctx.db.$transaction((tx) => batchOutbox(tx, async (): Promise<StaffActionResult> => {
        const exists = await tx.complaint.findUnique({ where: { id: input.complaintId }, select: { id: true } });
        if (!exists) return toast('error', 'staff.toast.notFound', {}, false);
        const complaint = await lockComplaint(tx, input.complaintId);
        const department = ctx.config.departments.find((d) => d.id === complaint.departmentId);
        const statusText = t(lang, `card.status.${complaint.status}` as MessageKey);
        if (!(await recordInboundEvent(tx, 'feishu', input.eventId, ctx.now()))) return toast('info', 'staff.toast.current', { number: complaint.number, status: statusText });
        // An outdated card is said to be outdated (and where the complaint is now) before any permission
        // check: the old department is no longer allowed, but what it needs to know is that the card moved on.
        if (input.messageId) {
          const card = await tx.cardMessage.findFirst({ where: { messageId: input.messageId } });
          if (card && (!card.active || card.complaintId !== complaint.id)) {
            ctx.log.info({ operator: staff.openId, complaint: complaint.number, action: input.action.kind }, 'staff action refused: outdated card');
            return toast('warning', 'staff.toast.staleCard', { number: complaint.number, status: statusText, department: department?.name ?? complaint.departmentId });
          }
        }
        if (!mayActOn(ctx.config, staff, complaint.departmentId)) {
          ctx.log.warn({ operator: staff.openId, complaint: complaint.number, action: input.action.kind }, 'staff action refused: other department');
          return toast('error', 'staff.toast.otherDepartment', { number: complaint.number, department: department?.name ?? complaint.departmentId });
        }
        const done = await run(ctx, tx, complaint, staff, actor, input.action);
        await refreshComplaintCards(tx, complaint.id, ctx.now(), { except: input.messageId });
        return toast('success', done.key, done.params);
      }));
      ctx.outboxChanged();
      return result;
    } catch (error) {
      if (error instanceof AppError && error.code === 'CONFLICT' && attempt < 2) continue;
      if (error instanceof AppError) {
        ctx.log.info({ operator: staff.openId, complaintId: input.complaintId, action: input.action.kind, code: error.code, details: { ...error.details, complaint: undefined } }, 'staff action refused');
        return explain(ctx, input, error, toast);
      }
      throw error;
    }
  }
}

const FIELD_KEYS: Record<string, MessageKey> = {
  resolution: 'staff.field.resolution',
  message: 'staff.field.message',
  note: 'staff.field.note',
  reason: 'staff.field.reason',
  department: 'staff.field.department',
  category: 'staff.field.category',
  severity: 'staff.field.severity',
  extension: 'staff.field.extension',
  cause: 'records.field.cause',
  measure: 'records.field.measure',
  compensation: 'records.field.compensation',
  rating: 'intake.field.rating',
  answer: 'answerTask.field',
};

async function explain(
  ctx: AppContext,
  input: StaffActionInput,
  error: AppError,
  toast: (type: ToastType, key: MessageKey, params?: Record<string, string | number>, withCard?: boolean) => StaffActionResult,
): Promise<StaffActionResult> {
  const lang = ctx.config.defaultLanguage;
  const d = error.details;
  if (error.code === 'NOT_FOUND') return toast('error', 'staff.toast.notFound', {}, false);
  // Archived: read-only, and its card is not redrawn (an old card keeps what it showed).
  if (error.code === 'ARCHIVED') return toast('info', 'archive.toast', { number: String((d.complaint as { number?: string } | undefined)?.number ?? '') }, false);
  const complaint = await ctx.db.complaint.findUnique({ where: { id: input.complaintId } });
  if (!complaint) return toast('error', 'staff.toast.notFound', {}, false);
  const number = complaint.number;
  const fieldName = t(lang, FIELD_KEYS[String(d.field)] ?? 'staff.field.message');
  if (error.code === 'INVALID_INPUT') {
    switch (d.reason) {
      case 'empty':
      case 'notChosen':
        return toast('warning', 'staff.toast.fieldEmpty', { field: fieldName });
      case 'tooLong':
        return toast('warning', 'staff.toast.fieldTooLong', { field: fieldName, length: Number(d.length), max: Number(d.max) });
      case 'unknownOption':
        return toast('warning', 'staff.toast.fieldUnknown', { field: fieldName });
      case 'sameDepartment':
        return toast('warning', 'staff.toast.sameDepartment', { number });
      case 'unchanged':
        return toast('info', 'staff.toast.unchanged', { number });
      case 'alreadyExtended':
        return toast('warning', 'staff.toast.alreadyExtended', { number });
      case 'beyondHardLimit':
        return toast('warning', 'staff.toast.beyondHardLimit', { number, hardLimit: String(d.hardLimit) });
      case 'unknownTask':
        return toast('warning', 'staff.toast.badRequest');
      case 'taskDone':
        return toast('info', 'staff.toast.taskDone', { who: String(d.who) });
      case 'noChatCustomer':
      case 'alreadyLinked':
        return toast('info', 'staff.toast.noChatCustomer');
      case 'badAmount':
        return toast('warning', 'records.toast.badAmount');
      case 'noPhone':
        return toast('info', 'staff.toast.noPhone', { number });
      default:
        return toast('warning', 'staff.toast.badRequest');
    }
  }
  if (error.code === 'FORBIDDEN' && d.reason === 'hasChat') return toast('warning', 'staff.toast.hasChat');
  if (error.code === 'FORBIDDEN' && d.reason === 'answersInChat') return toast('warning', 'answerTask.toast.hasChat');
  if (error.code === 'FORBIDDEN') return toast('error', 'staff.toast.revealForbidden', { number });
  // The complaint moved on: say what already happened, and who did it, when.
  const status = t(lang, `card.status.${complaint.status}` as MessageKey);
  if (d.reason === 'topTier') return toast('info', 'staff.toast.topTier', { number });
  const last = await ctx.db.complaintEvent.findFirst({
    where: { complaintId: complaint.id, ...(d.reason === 'alreadyEscalated' ? { type: 'escalate' } : { toStatus: complaint.status }) },
    orderBy: { id: 'desc' },
  });
  const who = last?.actorName ?? t(lang, 'system');
  const when = last ? formatLocalTime(last.at, ctx.calendar.timeZone) : '';
  if (d.reason === 'alreadyEscalated') return toast('info', 'staff.toast.alreadyEscalated', { number, who, when });
  // Told about one's own earlier click as such, not in the third person.
  const mine = last?.actor === `feishu:${input.operatorOpenId}`;
  if (complaint.status === 'accepted' && input.action.kind === 'accept') return toast('info', mine ? 'staff.toast.youAccepted' : 'staff.toast.alreadyAccepted', { number, who, when });
  if (complaint.status === 'resolved') return toast('info', 'staff.toast.alreadyResolved', { number, who, when });
  return toast('warning', 'staff.toast.notAllowed', { number, status, who, when });
}
