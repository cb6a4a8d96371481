/**
 * The first look at every customer event, before any flow sees it: floods are slowed, edits and media we
 * cannot take are answered, unreadable text is refused and text is cleaned of control characters.
 * Whatever is refused here changes nothing stored (a draft in progress stays as it was).
 */
import { cleanCustomerText, MAX_TEXT } from '../../domain/customer-text.ts';
import type { CustomerInbound } from '../shared/inbound.ts';
import type { CustomerSession } from './customer-session.ts';
import { floodVerdict } from './customer-rate-limits.ts';
import { formatLocalTime } from '../shared/format.ts';

/** A copy of the event with its text cleaned; `garbled` when the text was unreadable. */
export function cleanCustomerInput(input: CustomerInbound): CustomerInbound & { garbled?: boolean } {
  if (input.text === undefined) return input;
  const cleaned = cleanCustomerText(input.text);
  if (cleaned.garbled) return { ...input, text: undefined, garbled: true };
  return { ...input, text: cleaned.text };
}

/** Returns true when the event was fully answered here. */
export async function guardCustomerInput(s: CustomerSession): Promise<boolean> {
  const input = s.input as CustomerInbound & { garbled?: boolean };
  const flood = floodVerdict(s.ctx.config, s.messagesThisMinute, s.at);
  if (flood.kind === 'ignore') return true;
  if (flood.kind === 'notify') {
    await s.reply('customer.limit.flood', { time: formatLocalTime(flood.until, s.ctx.calendar.timeZone).slice(11) });
    return true;
  }
  if (input.button !== undefined) return false;
  if (input.edited) {
    await s.reply('customer.input.edited');
    return true;
  }
  if (input.unsupportedMedia) {
    await s.reply('customer.input.unsupported');
    return true;
  }
  if (input.garbled) {
    await s.reply('customer.input.garbled');
    return true;
  }
  const text = input.text?.trim() ?? '';
  if (text.length > MAX_TEXT) {
    await s.reply('customer.tooLong', { length: text.length, max: MAX_TEXT });
    return true;
  }
  if (!text && !input.attachments?.length && !input.hasMedia) {
    await s.reply('customer.emptyText');
    return true;
  }
  return false;
}
