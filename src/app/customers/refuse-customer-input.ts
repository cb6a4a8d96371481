/**
 * Refusing what a customer sent, in the middle of a conversation: the refusal always ends with the
 * question still waiting for an answer (and its buttons), so the customer knows what to send next.
 */
import type { MessageKey } from '../../i18n/index.ts';
import { MAX_TEXT } from '../../domain/customer-text.ts';
import type { TextButton } from '../shared/outbox.ts';
import type { CustomerSession } from './customer-session.ts';
import { buttonsFor, FILING_FLOW, questionFor, type Draft, type Step } from './customer-filing-steps.ts';

/** The question a conversation in progress waits on, with its buttons; null when none waits. */
export function pendingQuestion(s: CustomerSession): { text: string; buttons: TextButton[][] } | null {
  const c = s.conversation;
  if (!c) return null;
  const data = c.data as Record<string, unknown>;
  const number = String(data.number ?? '');
  switch (c.flow) {
    case FILING_FLOW: {
      const draft = c.data as Draft;
      const step = c.step as Step;
      return { text: questionFor(s, draft, step), buttons: buttonsFor(s, draft, step) };
    }
    case 'add':
      return {
        text: s.text('customer.add.ask', { number, max: MAX_TEXT }),
        buttons: [[Number(data.count ?? 0) > 0 ? { label: s.text('customer.file.button.done'), data: 'done' } : { label: s.text('customer.cancelButton'), data: 'cancel' }]],
      };
    case 'appeal':
      return { text: s.text('customer.appeal.ask', { number, max: MAX_TEXT }), buttons: [[{ label: s.text('customer.cancelButton'), data: 'cancel' }]] };
    case 'comment':
      return { text: s.text('customer.rate.askComment'), buttons: [[{ label: s.text('customer.file.button.skip'), data: 'skip' }]] };
    default:
      return null;
  }
}

/** Answers with the refusal `key`, followed by the pending question when a conversation is in progress. */
export async function refuse(s: CustomerSession, key: MessageKey, params: Record<string, string | number> = {}): Promise<void> {
  const pending = pendingQuestion(s);
  if (!pending) {
    await s.reply(key, params);
    return;
  }
  await s.replyText(`${s.text(key, params)}\n\n${pending.text}`, pending.buttons.length ? pending.buttons : undefined);
}
