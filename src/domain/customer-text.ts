/**
 * What customers type, made safe to store and show: control characters, unpaired surrogates and
 * direction overrides are removed; text that was mostly such garbage is reported as unreadable.
 */

// C0 controls except tab/newline/carriage return, DEL, C1 controls, non-characters, zero-width space,
// BOM, and the bidirectional overrides/isolates that can disguise text.
const JUNK = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF\u200B\uFEFF\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const REPLACEMENT = /\uFFFD/g;

export interface CleanedText {
  text: string;
  /** How many characters were removed. */
  removed: number;
  /** The text was mostly unreadable (binary, a wrong encoding): better to ask again than to store it. */
  garbled: boolean;
}

export function cleanCustomerText(input: string): CleanedText {
  const normalized = input.replace(/\r\n?/g, '\n');
  const text = normalized.replace(JUNK, '');
  const removed = normalized.length - text.length;
  const replacements = (text.match(REPLACEMENT) ?? []).length;
  const visible = text.replace(REPLACEMENT, '').trim().length;
  const garbled =
    (removed > 0 && visible === 0) ||
    removed > normalized.length * 0.2 ||
    replacements >= 3 ||
    (replacements > 0 && replacements > visible * 0.2);
  return { text, removed, garbled };
}

/** The longest text a customer may send in one message (a description, a reason, a comment). */
export const MAX_TEXT = 2000;
