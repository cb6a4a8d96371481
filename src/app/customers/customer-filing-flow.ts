/**
 * The filing conversation: category → what it is about → what happened → when → what the customer
 * wants → phone → address (where the category needs one) → requested reply time → photos and files →
 * summary (each field can be changed from it) → registered. `/back` goes one step back, `/cancel` leaves.
 * Also the offer to file a long free message (or a photo) as a complaint.
 * `handleFilingFlow` returns false when the event is not for this flow.
 */
import { normalizePhone } from '../../domain/phone.ts';
import { MAX_TEXT } from '../../domain/customer-text.ts';
import type { CustomerSession } from './customer-session.ts';
import { fileComplaint } from '../complaints/file-complaint.ts';
import { complaintQuota } from './customer-rate-limits.ts';
import { formatLocalTime } from '../shared/format.ts';
import { conversationLapsed } from './customer-helpers.ts';
import { parseCustomerCommand } from './customer-command-words.ts';
import { refuse } from './refuse-customer-input.ts';
import {
  buttonsFor,
  FILING_FLOW,
  fieldsFor,
  isField,
  localTime,
  MAX_ATTACHMENTS,
  MAX_LENGTH,
  needsAddress,
  nextStep,
  OFFER_MIN_LENGTH,
  OPTIONAL,
  previousField,
  questionFor,
  typedButton,
  withAnswer,
  type Draft,
  type Field,
  type Step,
} from './customer-filing-steps.ts';

export { MAX_TEXT, FILING_FLOW };

const START_WORDS = new Set(['/complain', '投诉', '我要投诉', 'complain']);
const CANCEL_WORDS = new Set(['/cancel', '取消']);
const BACK_WORDS = new Set(['/back', '返回', '上一步']);
const SKIP_WORDS = new Set(['skip', '/skip', '跳过', '不留']);
const DONE_WORDS = new Set(['done', '/done', '完成', '好了']);
/** Buttons this flow owns; any other button is left to the other handlers. */
const FILING_BUTTON = /^(cat:|edit:|when:|reply:|offer:|phone:)|^(confirm|cancel|skip|done|keep)$/;
const KEEP_WORDS = new Set(['keep', '保留']);

async function ask(s: CustomerSession, draft: Draft, step: Step, prefix?: string): Promise<void> {
  const question = questionFor(s, draft, step);
  const buttons = buttonsFor(s, draft, step);
  await s.replyText(prefix ? `${prefix}\n${question}` : question, buttons.length ? buttons : undefined);
}

async function goTo(s: CustomerSession, draft: Draft, step: Step, prefix?: string): Promise<void> {
  await s.saveConversation(FILING_FLOW, step, draft);
  await ask(s, draft, step, prefix);
}

/** Refuses a new complaint past the daily limit, saying when the customer may file again. */
async function quotaRefused(s: CustomerSession): Promise<boolean> {
  const quota = await complaintQuota(s.tx, s.ctx.config, s.customer.id, s.at);
  if (quota.allowed) return false;
  await s.reply('customer.limit.complaints', { limit: quota.limit, time: formatLocalTime(quota.nextAt, s.ctx.calendar.timeZone) });
  return true;
}

async function start(s: CustomerSession, step: Step | undefined, draft: Draft, rest: string): Promise<void> {
  if (step && step !== 'offer') {
    await ask(s, draft, step, s.text('customer.file.resumed'));
    return;
  }
  if (await quotaRefused(s)) return;
  // From the offer, or `/complain <what happened>`: what was already written becomes the description.
  const description = step === 'offer' ? draft.description : rest.length >= 10 ? rest.slice(0, MAX_TEXT) : undefined;
  let fresh: Draft = { answered: [] };
  if (description) fresh = withAnswer(fresh, 'description', description);
  if (step === 'offer' && draft.attachments?.length) fresh.attachments = draft.attachments;
  await goTo(s, fresh, nextStep(s, fresh));
}

async function answer(s: CustomerSession, draft: Draft, field: Field, value: unknown): Promise<void> {
  const next = withAnswer(draft, field, value);
  await goTo(s, next, nextStep(s, next));
}

/** Keeps photos and files sent at any step; returns the draft and whether some did not fit. */
function keepAttachments(s: CustomerSession, draft: Draft): { draft: Draft; overflow: boolean } {
  const incoming = s.input.attachments ?? [];
  if (!incoming.length) return { draft, overflow: false };
  const have = draft.attachments ?? [];
  const room = Math.max(0, MAX_ATTACHMENTS - have.length);
  return { draft: { ...draft, attachments: [...have, ...incoming.slice(0, room)] }, overflow: incoming.length > room };
}

async function submit(s: CustomerSession, draft: Draft): Promise<void> {
  // A required answer missing (an old draft, a changed config): ask for it instead of filing.
  const next = nextStep(s, draft);
  const gap = next !== 'confirm' ? next : fieldsFor(s, draft).find((f) => !OPTIONAL.has(f) && !draft[f]);
  if (gap) {
    await goTo(s, draft, gap);
    return;
  }
  if (await quotaRefused(s)) return; // the draft stays; the customer can submit it later
  await fileComplaint(s.ctx, s.tx, {
    customerId: s.customer.id,
    customer: s.customer,
    categoryId: draft.category!,
    subject: draft.subject ?? null,
    description: draft.description!,
    occurredAt: draft.occurredAt ?? null,
    desiredOutcome: draft.desiredOutcome ?? null,
    contactPhone: draft.phone ?? null,
    address: needsAddress(s, draft) ? (draft.address ?? null) : null,
    requestedReplyBy: draft.requestedReplyBy ?? null,
    attachments: draft.attachments ?? [],
    language: s.lang,
  });
  await s.endConversation();
}

async function handleButton(s: CustomerSession, step: Step, draft: Draft, data: string): Promise<boolean> {
  if (!FILING_BUTTON.test(data)) return false;
  if (step === 'offer') return handleOfferButton(s, draft, data);
  if (data === 'cancel') {
    await s.endConversation();
    await s.reply('customer.cancelled');
    return true;
  }
  if (step === 'category' && data.startsWith('cat:')) {
    const id = data.slice(4);
    if (s.ctx.config.categories.some((c) => c.id === id)) {
      await answer(s, draft, 'category', id);
      return true;
    }
  }
  if (step === 'confirm' && data === 'confirm') {
    await submit(s, draft);
    return true;
  }
  if (step === 'confirm' && data.startsWith('edit:')) {
    const field = data.slice(5);
    if (isField(field) && fieldsFor(s, draft).includes(field)) {
      await goTo(s, draft, field);
      return true;
    }
  }
  if (data === 'skip' && isField(step) && OPTIONAL.has(step)) {
    await answer(s, draft, step, step === 'attachments' ? (draft.attachments ?? []) : null);
    return true;
  }
  if (step === 'occurredAt' && (data === 'when:today' || data === 'when:yesterday')) {
    await answer(s, draft, step, localTime(s, { days: data === 'when:today' ? 0 : -1 }, 'yyyy-LL-dd'));
    return true;
  }
  if (step === 'requestedReplyBy' && (data === 'reply:24h' || data === 'reply:3d')) {
    await answer(s, draft, step, localTime(s, data === 'reply:24h' ? { hours: 24 } : { days: 3 }, 'yyyy-LL-dd HH:mm'));
    return true;
  }
  if (step === 'phone' && data === 'phone:saved' && s.customer.phone) {
    await answer(s, draft, 'phone', s.customer.phone);
    return true;
  }
  if (data === 'keep' && isField(step) && draft.answered?.includes(step)) {
    await answer(s, draft, step, draft[step] ?? null);
    return true;
  }
  if (step === 'attachments' && data === 'done') {
    await answer(s, draft, 'attachments', draft.attachments ?? []);
    return true;
  }
  await refuse(s, 'customer.staleButton');
  return true;
}

async function back(s: CustomerSession, step: Step, draft: Draft): Promise<void> {
  const previous = step === 'offer' ? undefined : previousField(s, draft, step);
  if (!previous) {
    await s.reply('customer.file.nothingBack');
    return;
  }
  await goTo(s, draft, previous);
}

/** A typed or sent answer to the current step. */
async function handleAnswer(s: CustomerSession, step: Step, incoming: Draft): Promise<void> {
  const { draft, overflow } = keepAttachments(s, incoming);
  const gotFiles = draft.attachments !== incoming.attachments;
  const text = s.input.text?.trim() ?? '';
  if (overflow) await s.reply('customer.file.tooManyAttachments', { max: MAX_ATTACHMENTS });
  if (step === 'offer') {
    const joined = [draft.description, text].filter(Boolean).join('\n');
    const next = { ...draft, ...(joined && joined.length <= MAX_TEXT ? { description: joined } : {}) };
    await goTo(s, next, 'offer');
    return;
  }
  if (step === 'attachments') {
    if (gotFiles) {
      await s.saveConversation(FILING_FLOW, step, draft);
      await s.reply('customer.file.attachmentReceived', { count: draft.attachments!.length }, buttonsFor(s, draft, step));
    } else await s.reply('customer.file.attachmentsNeedMedia', {}, buttonsFor(s, draft, step));
    return;
  }
  if (step === 'category' || step === 'confirm') {
    if (gotFiles) await s.saveConversation(FILING_FLOW, step, draft);
    await ask(s, draft, step, gotFiles ? s.text('customer.file.attachmentKept', { count: draft.attachments!.length }) : undefined);
    return;
  }
  if (!text) {
    if (gotFiles) {
      await s.saveConversation(FILING_FLOW, step, draft);
      await refuse(s, 'customer.file.photoKept', { count: draft.attachments!.length });
    } else await refuse(s, s.input.hasMedia ? 'customer.needText' : 'customer.emptyText');
    return;
  }
  const max = MAX_LENGTH[step] ?? MAX_TEXT;
  if (text.length > max) {
    if (gotFiles) await s.saveConversation(FILING_FLOW, step, draft);
    await refuse(s, 'customer.tooLong', { length: text.length, max });
    return;
  }
  if (step === 'phone') {
    const phone = normalizePhone(text);
    if (!phone) {
      if (gotFiles) await s.saveConversation(FILING_FLOW, step, draft);
      await refuse(s, 'customer.badPhone', { input: text.slice(0, 40) });
      return;
    }
    await answer(s, draft, 'phone', phone);
    return;
  }
  await answer(s, draft, step, text);
}

export async function handleFilingFlow(s: CustomerSession): Promise<boolean> {
  const { input } = s;
  if (s.conversation?.flow === FILING_FLOW && s.conversation.step === 'offer' && conversationLapsed(s.conversation, s.at)) await s.endConversation();
  const active = s.conversation?.flow === FILING_FLOW;
  const step = active ? (s.conversation!.step as Step) : undefined;
  const draft = (active ? s.conversation!.data : {}) as Draft;
  const command = s.command;

  if (input.button !== undefined) return step ? handleButton(s, step, draft, input.button) : false;
  if (command && START_WORDS.has(command)) {
    const typed = input.text?.trim() ?? '';
    await start(s, step, draft, typed.slice(typed.split(/\s+/)[0]!.length).trim());
    return true;
  }
  if (!step) return false;
  if (command && CANCEL_WORDS.has(command)) {
    await s.endConversation();
    await s.reply(step === 'offer' ? 'customer.file.offerDeclined' : 'customer.cancelled');
    return true;
  }
  if (command && BACK_WORDS.has(command)) {
    await back(s, step, draft);
    return true;
  }
  const text = input.text?.trim() ?? '';
  const word = text.toLowerCase();
  // Other commands (with a slash, or a command word such as 我的投诉) are answered elsewhere; the draft waits.
  if (command?.startsWith('/') ? !SKIP_WORDS.has(word) && !DONE_WORDS.has(word) : parseCustomerCommand(text) !== null) return false;
  if (!input.attachments?.length && text) {
    if (SKIP_WORDS.has(word) && step !== 'offer') {
      if (isField(step) && OPTIONAL.has(step)) return handleButton(s, step, draft, 'skip');
      await refuse(s, 'customer.file.cannotSkip');
      return true;
    }
    if (DONE_WORDS.has(word) && step === 'attachments') return handleButton(s, step, draft, 'done');
    if (KEEP_WORDS.has(word) && isField(step) && draft.answered?.includes(step)) return handleButton(s, step, draft, 'keep');
    const typed = typedButton(text, buttonsFor(s, draft, step), step === 'category');
    if (typed) return handleButton(s, step, draft, typed);
  }
  await handleAnswer(s, step, draft);
  return true;
}

// ---------------------------------------------------------------- the offer to file a free message

async function handleOfferButton(s: CustomerSession, draft: Draft, data: string): Promise<boolean> {
  if (data === 'offer:file') {
    await start(s, 'offer', draft, '');
    return true;
  }
  if (data === 'offer:no' || data === 'cancel') {
    await s.endConversation();
    await s.reply('customer.file.offerDeclined');
    return true;
  }
  await s.reply('customer.staleButton');
  return true;
}

/**
 * A free message nobody else took (no conversation, no command, no open complaint to relay it to): a long
 * text or a photo is offered to be filed as a complaint, keeping what was sent. Returns false for short
 * texts, which get the hint.
 */
export async function offerToFile(s: CustomerSession): Promise<boolean> {
  if (s.conversation || s.input.button !== undefined) return false;
  const text = s.input.text?.trim() ?? '';
  const files = (s.input.attachments ?? []).slice(0, MAX_ATTACHMENTS);
  if (text.startsWith('/') || (text.length < OFFER_MIN_LENGTH && !files.length)) return false;
  const draft: Draft = { ...(text ? { description: text } : {}), ...(files.length ? { attachments: files } : {}) };
  await goTo(s, draft, 'offer');
  return true;
}

/** Whether a filing draft with answers is in progress (other flows must not replace it). */
export function filingInProgress(s: CustomerSession): boolean {
  const c = s.conversation;
  return c?.flow === FILING_FLOW && c.step !== 'offer';
}
