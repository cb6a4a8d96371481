/**
 * The first look at every customer event, before any flow sees it: floods are slowed, edits and media we
 * cannot take are answered, unreadable text is refused and text is cleaned of control characters.
 * Whatever is refused here changes nothing stored (a draft in progress stays as it was).
 */
import { createHash } from 'node:crypto';
import { cleanCustomerText, MAX_TEXT } from '../../domain/customer-text.ts';
import type { CustomerInbound } from '../shared/inbound.ts';
import type { CustomerSession } from './customer-session.ts';
import { floodVerdict } from './customer-rate-limits.ts';
import { formatLocalTime } from '../shared/format.ts';
import { refuse } from './refuse-customer-input.ts';

/** A copy of the event with its text cleaned; `garbled` when the text was unreadable. */
export function cleanCustomerInput(input: CustomerInbound): CustomerInbound & { garbled?: boolean } {
  if (input.text === undefined) return input;
  const cleaned = cleanCustomerText(input.text);
  if (cleaned.garbled) return { ...input, text: undefined, garbled: true };
  return { ...input, text: cleaned.text };
}

/**
 * What makes a message "the same message again": the same content (text, files, kind of media, app
 * language) as the message just before it, at the same step of the same conversation (openCustomerEvent
 * adds the step). It would get the same answer, so it gets none. The same text at another step (e.g.
 * "skip" twice in a row) is a new answer. Button presses are not compared (null): they act on a complaint
 * whose state the answer reports ("already closed").
 */
export function sameMessageKey(input: CustomerInbound & { garbled?: boolean }): string | null {
  if (input.button !== undefined) return null;
  const content = JSON.stringify([
    input.languageCode ?? null,
    input.text ?? null,
    (input.attachments ?? []).map((a) => a.fileId),
    input.unsupportedMedia ?? null,
    Boolean(input.edited),
    Boolean(input.garbled),
  ]);
  return createHash('sha1').update(content).digest('base64url');
}

/** Returns true when the event was fully answered here. */
export async function guardCustomerInput(s: CustomerSession): Promise<boolean> {
  const input = s.input as CustomerInbound & { garbled?: boolean };
  const flood = floodVerdict(s.ctx.config, s.messagesThisMinute, s.at);
  if (flood.kind === 'ignore') return true;
  if (flood.kind === 'notify') {
    // Say the draft is kept only when there is one.
    await s.reply(s.conversation ? 'customer.limit.floodDraftSaved' : 'customer.limit.flood', { time: formatLocalTime(flood.until, s.ctx.calendar.timeZone).slice(11) });
    return true;
  }
  if (s.repeated) return true; // the same message right after itself: answered once already
  if (input.button !== undefined) return false;
  if (input.edited) {
    await refuse(s, 'customer.input.edited');
    return true;
  }
  if (input.unsupportedMedia) {
    await refuse(s, 'customer.input.unsupported');
    return true;
  }
  if (input.garbled) {
    await refuse(s, 'customer.input.garbled');
    return true;
  }
  const text = input.text?.trim() ?? '';
  if (text.length > MAX_TEXT) {
    await refuse(s, 'customer.tooLong', { length: text.length, max: MAX_TEXT });
    return true;
  }
  if (!text && !input.attachments?.length && !input.hasMedia) {
    await refuse(s, 'customer.emptyText');
    return true;
  }
  return false;
}
