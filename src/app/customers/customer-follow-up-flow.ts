/**
 * Short conversations about one existing complaint: adding information or photos (`/add`), stating the
 * reason of an appeal (`/appeal`), and the optional comment after a rating. Each remembers its complaint
 * in the conversation row, so it survives a restart. Returns false when the event is not for one of them.
 */
import type { Complaint } from '../../store/generated/client.ts';
import { isOpen, isStatus } from '../../domain/lifecycle.ts';
import type { CustomerSession } from './customer-session.ts';
import type { CustomerAttachment } from '../shared/inbound.ts';
import { AppError } from '../shared/errors.ts';
import { addComplaintInfo } from '../complaints/add-complaint-info.ts';
import { appealComplaint } from '../complaints/appeal-complaint.ts';
import { commentOnRating } from '../complaints/comment-on-rating.ts';
import { filingInProgress, MAX_TEXT } from './customer-filing-flow.ts';
import { MAX_ATTACHMENTS } from './customer-filing-steps.ts';
import { conversationLapsed, statusName } from './customer-helpers.ts';
import { parseCustomerCommand } from './customer-command-words.ts';
import { refuse } from './refuse-customer-input.ts';

export const ADD_FLOW = 'add';
export const APPEAL_FLOW = 'appeal';
export const COMMENT_FLOW = 'comment';
const FLOWS = new Set([ADD_FLOW, APPEAL_FLOW, COMMENT_FLOW]);
const CANCEL_WORDS = new Set(['/cancel', '取消', 'cancel']);
const DONE_WORDS = new Set(['done', '/done', '完成', '好了']);
const SKIP_WORDS = new Set(['skip', '/skip', '跳过']);

interface FollowUp {
  complaintId: number;
  number: string;
  /** How many additions were made in this conversation (add). */
  count?: number;
  /** Photos sent before the appeal's reason, kept until the reason arrives. */
  attachments?: CustomerAttachment[];
}

/** A filing draft must never be replaced by another conversation: tell the customer to finish it first. */
async function refuseWhileFiling(s: CustomerSession): Promise<boolean> {
  if (!filingInProgress(s)) return false;
  await refuse(s, 'customer.busy');
  return true;
}

export async function startAddInfo(s: CustomerSession, complaint: Complaint): Promise<void> {
  if (await refuseWhileFiling(s)) return;
  if (complaint.archivedAt) return s.reply('archive.customer', { number: complaint.number });
  if (!isStatus(complaint.status) || !isOpen(complaint.status)) {
    await s.reply('customer.add.notOpen', { number: complaint.number, status: statusName(s.lang, complaint.status) });
    return;
  }
  await s.saveConversation(ADD_FLOW, 'content', { complaintId: complaint.id, number: complaint.number, count: 0 } satisfies FollowUp);
  await s.reply('customer.add.ask', { number: complaint.number, max: MAX_TEXT }, [[{ label: s.text('customer.cancelButton'), data: 'cancel' }]]);
}

export async function startAppeal(s: CustomerSession, complaint: Complaint): Promise<void> {
  if (await refuseWhileFiling(s)) return;
  if (complaint.archivedAt) return s.reply('archive.customer', { number: complaint.number });
  await s.saveConversation(APPEAL_FLOW, 'reason', { complaintId: complaint.id, number: complaint.number } satisfies FollowUp);
  await s.reply('customer.appeal.ask', { number: complaint.number, max: MAX_TEXT }, [[{ label: s.text('customer.cancelButton'), data: 'cancel' }]]);
}

/** After a rating: asks for an optional comment, unless the customer is in the middle of filing. */
export async function startRatingComment(s: CustomerSession, complaint: Complaint): Promise<void> {
  if (filingInProgress(s)) return;
  await s.saveConversation(COMMENT_FLOW, 'comment', { complaintId: complaint.id, number: complaint.number } satisfies FollowUp);
  await s.reply('customer.rate.askComment', {}, [[{ label: s.text('customer.file.button.skip'), data: 'skip' }]]);
}

async function finish(s: CustomerSession, flow: string, data: FollowUp): Promise<void> {
  await s.endConversation();
  if (flow === ADD_FLOW) await s.reply(data.count ? 'customer.add.done' : 'customer.add.cancelled', { number: data.number, count: data.count ?? 0 });
  else if (flow === APPEAL_FLOW) await s.reply('customer.appeal.cancelled', { number: data.number });
  else await s.reply('customer.rate.commentSkipped');
}

/** Says why a use case refused; ends the conversation when the complaint cannot take it any more. */
async function explain(s: CustomerSession, error: unknown, data: FollowUp): Promise<void> {
  if (!(error instanceof AppError)) throw error;
  if (error.code === 'INVALID_INPUT') {
    await s.reply(error.details.reason === 'tooLong' ? 'customer.tooLong' : 'customer.emptyText', { length: Number(error.details.length ?? 0), max: MAX_TEXT });
    return;
  }
  await s.endConversation();
  const complaint = error.details.complaint as Complaint | undefined;
  if (error.code === 'ARCHIVED') await s.reply('archive.customer', { number: complaint?.number ?? data.number });
  else if (error.code === 'TRANSITION_NOT_ALLOWED' && complaint) await s.reply('customer.add.notOpen', { number: complaint.number, status: statusName(s.lang, complaint.status) });
  else await s.reply('customer.notFound', { number: data.number });
}

export async function handleFollowUpFlow(s: CustomerSession): Promise<boolean> {
  const conversation = s.conversation;
  if (!conversation || !FLOWS.has(conversation.flow)) return false;
  if (conversationLapsed(conversation, s.at)) {
    await s.endConversation(); // an old question: this message stands on its own
    return false;
  }
  const { flow } = conversation;
  const data = conversation.data as unknown as FollowUp;
  const { input } = s;
  const text = input.text?.trim() ?? '';
  const word = text.toLowerCase();

  if (input.button !== undefined) {
    if (input.button === 'cancel' || (input.button === 'done' && flow === ADD_FLOW) || (input.button === 'skip' && flow === COMMENT_FLOW)) {
      await finish(s, flow, data);
      return true;
    }
    return false; // rating, status and other buttons are answered elsewhere
  }
  if (CANCEL_WORDS.has(word) || (DONE_WORDS.has(word) && flow === ADD_FLOW) || (SKIP_WORDS.has(word) && flow === COMMENT_FLOW)) {
    await finish(s, flow, data);
    return true;
  }
  // Commands (typed with a slash, or a Chinese command word) leave the conversation waiting and are answered elsewhere.
  if (text.startsWith('/') || parseCustomerCommand(text)) return false;

  try {
    if (flow === ADD_FLOW) {
      const attachments = (input.attachments ?? []).slice(0, MAX_ATTACHMENTS);
      if (!text && !attachments.length) {
        await refuse(s, input.hasMedia ? 'customer.needText' : 'customer.emptyText');
        return true;
      }
      await addComplaintInfo(s.ctx, s.tx, { complaintId: data.complaintId, customerId: s.customer.id, text, attachments });
      await s.saveConversation(flow, conversation.step, { ...data, count: (data.count ?? 0) + 1 });
      await s.reply('customer.add.recorded', { number: data.number }, [[{ label: s.text('customer.file.button.done'), data: 'done' }]]);
      return true;
    }
    if (flow === APPEAL_FLOW) {
      const attachments = [...(data.attachments ?? []), ...(input.attachments ?? [])].slice(0, MAX_ATTACHMENTS);
      if (!text) {
        if (input.attachments?.length) {
          await s.saveConversation(flow, conversation.step, { ...data, attachments });
          await s.reply('customer.appeal.photoKept', { count: attachments.length });
        } else await refuse(s, input.hasMedia ? 'customer.needText' : 'customer.emptyText');
        return true;
      }
      await appealComplaint(s.ctx, s.tx, { complaintId: data.complaintId, customerId: s.customer.id, reason: text, attachments });
      await s.endConversation();
      return true;
    }
    if (!text) {
      await refuse(s, input.hasMedia ? 'customer.needText' : 'customer.emptyText');
      return true;
    }
    await commentOnRating(s.ctx, s.tx, { complaintId: data.complaintId, customerId: s.customer.id, comment: text });
    await s.endConversation();
    return true;
  } catch (error) {
    await explain(s, error, data);
    return true;
  }
}
