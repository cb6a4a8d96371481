/**
 * The filing conversation's steps: which fields it asks for, in which order, how each question and the
 * summary look, and which buttons they carry. No state is changed here.
 */
import { DateTime } from 'luxon';
import { maskPhone } from '../../domain/phone.ts';
import { MAX_TEXT } from '../../domain/customer-text.ts';
import type { MessageKey } from '../../i18n/index.ts';
import type { CustomerAttachment } from '../shared/inbound.ts';
import type { TextButton } from '../shared/outbox.ts';
import type { CustomerSession } from './customer-session.ts';
import { categoryName } from './customer-helpers.ts';

export const FILING_FLOW = 'file';
export const MAX_ATTACHMENTS = 10;
/** A message at least this long, sent outside any conversation, is offered to be filed as a complaint. */
export const OFFER_MIN_LENGTH = 30;

export const FIELDS = ['category', 'subject', 'description', 'occurredAt', 'desiredOutcome', 'phone', 'address', 'requestedReplyBy', 'attachments'] as const;
export type Field = (typeof FIELDS)[number];
export type Step = Field | 'confirm' | 'offer';

/** Fields the customer may leave out (answered with `null`). */
export const OPTIONAL: ReadonlySet<Field> = new Set<Field>(['occurredAt', 'phone', 'requestedReplyBy', 'attachments']);

/** The longest answer per free-text field, so the summary always fits in one message. */
export const MAX_LENGTH: Partial<Record<Field, number>> = {
  subject: 200,
  description: MAX_TEXT,
  occurredAt: 100,
  desiredOutcome: 500,
  address: 300,
  requestedReplyBy: 100,
};

export interface Draft {
  category?: string;
  subject?: string;
  description?: string;
  occurredAt?: string | null;
  desiredOutcome?: string;
  phone?: string | null;
  address?: string;
  requestedReplyBy?: string | null;
  attachments?: CustomerAttachment[];
  /** Fields answered (or skipped) so far; the next question is the first applicable field not in here. */
  answered?: Field[];
}

export function isField(value: string): value is Field {
  return (FIELDS as readonly string[]).includes(value);
}

export function needsAddress(s: CustomerSession, draft: Draft): boolean {
  return s.ctx.config.categories.find((c) => c.id === draft.category)?.needsAddress ?? false;
}

/** The fields this draft asks for (the address only where the category needs one). */
export function fieldsFor(s: CustomerSession, draft: Draft): Field[] {
  return FIELDS.filter((f) => f !== 'address' || needsAddress(s, draft));
}

export function nextStep(s: CustomerSession, draft: Draft): Step {
  const answered = new Set(draft.answered ?? []);
  return fieldsFor(s, draft).find((f) => !answered.has(f)) ?? 'confirm';
}

export function previousField(s: CustomerSession, draft: Draft, step: Step): Field | undefined {
  const fields = fieldsFor(s, draft);
  if (step === 'confirm') return fields[fields.length - 1];
  const index = fields.indexOf(step as Field);
  return index > 0 ? fields[index - 1] : undefined;
}

export function withAnswer(draft: Draft, field: Field, value: unknown): Draft {
  const answered = new Set(draft.answered ?? []);
  answered.add(field);
  return { ...draft, [field]: value, answered: FIELDS.filter((f) => answered.has(f)) };
}

/** A local date or time `days`/`hours` from now, as the customer would write it. */
export function localTime(s: CustomerSession, shift: { days?: number; hours?: number }, format: string): string {
  return DateTime.fromJSDate(s.at).setZone(s.ctx.calendar.timeZone).plus(shift).toFormat(format);
}

const NAME_KEY: Record<Field, MessageKey> = {
  category: 'customer.file.name.category',
  subject: 'customer.file.name.subject',
  description: 'customer.file.name.description',
  occurredAt: 'customer.file.name.occurredAt',
  desiredOutcome: 'customer.file.name.desiredOutcome',
  phone: 'customer.file.name.phone',
  address: 'customer.file.name.address',
  requestedReplyBy: 'customer.file.name.requestedReplyBy',
  attachments: 'customer.file.name.attachments',
};

function displayValue(s: CustomerSession, draft: Draft, field: Field): string {
  switch (field) {
    case 'category':
      return categoryName(s.ctx.config, draft.category, s.lang);
    case 'phone':
      return draft.phone ?? s.text('customer.skipWord');
    case 'attachments':
      return s.text('customer.file.attachmentCount', { count: draft.attachments?.length ?? 0 });
    default: {
      const value = draft[field];
      return typeof value === 'string' && value ? value : s.text('customer.file.notGiven');
    }
  }
}

/** A step's buttons; a step answered before (reached by /back or from the summary) also offers to keep its answer. */
export function buttonsFor(s: CustomerSession, draft: Draft, step: Step): TextButton[][] {
  const rows = stepButtons(s, draft, step);
  if (isField(step) && step !== 'attachments' && draft.answered?.includes(step)) rows.push([{ label: s.text('customer.file.button.keep'), data: 'keep' }]);
  return rows;
}

function stepButtons(s: CustomerSession, draft: Draft, step: Step): TextButton[][] {
  const b = (key: MessageKey, data: string, params: Record<string, string | number> = {}): TextButton => ({ label: s.text(key, params), data });
  switch (step) {
    case 'category': {
      const all = s.ctx.config.categories.map((c) => ({ label: categoryName(s.ctx.config, c.id, s.lang), data: `cat:${c.id}` }));
      const rows: TextButton[][] = [];
      for (let i = 0; i < all.length; i += 2) rows.push(all.slice(i, i + 2));
      return rows;
    }
    case 'occurredAt':
      return [[b('customer.file.button.today', 'when:today'), b('customer.file.button.yesterday', 'when:yesterday')], [b('customer.file.button.notSure', 'skip')]];
    case 'phone':
      return [...(s.customer.phone ? [[b('customer.file.button.usePhone', 'phone:saved', { phone: maskPhone(s.customer.phone) })]] : []), [b('customer.file.button.skip', 'skip')]];
    case 'requestedReplyBy':
      return [[b('customer.file.button.within24h', 'reply:24h'), b('customer.file.button.within3d', 'reply:3d')], [b('customer.file.button.noPreference', 'skip')]];
    case 'attachments':
      return [[b(draft.attachments?.length ? 'customer.file.button.done' : 'customer.file.button.noAttachments', 'done')]];
    case 'confirm': {
      const edits = fieldsFor(s, draft).map((f) => b('customer.file.edit', `edit:${f}`, { field: s.text(NAME_KEY[f]) }));
      const rows: TextButton[][] = [[b('customer.confirm', 'confirm'), b('customer.cancelButton', 'cancel')]];
      for (let i = 0; i < edits.length; i += 3) rows.push(edits.slice(i, i + 3));
      return rows;
    }
    case 'offer':
      return [[b('customer.file.offer.file', 'offer:file'), b('customer.file.offer.no', 'offer:no')]];
    default:
      return [];
  }
}

const QUESTION: Record<Field, MessageKey> = {
  category: 'customer.askCategory',
  subject: 'customer.file.askSubject',
  description: 'customer.askDescription',
  occurredAt: 'customer.file.askOccurredAt',
  desiredOutcome: 'customer.file.askDesiredOutcome',
  phone: 'customer.askPhone',
  address: 'customer.file.askAddress',
  requestedReplyBy: 'customer.file.askReplyBy',
  attachments: 'customer.file.askAttachments',
};

/** The question of a step (with the current answer, when changing one), or the summary. */
export function questionFor(s: CustomerSession, draft: Draft, step: Step): string {
  if (step === 'offer') return s.text(draft.description ? 'customer.file.offer' : 'customer.file.offerPhoto');
  if (step === 'confirm') {
    const fields = fieldsFor(s, draft).map((f) => s.text('customer.file.line', { name: s.text(NAME_KEY[f]), value: displayValue(s, draft, f) }));
    return s.text('customer.summary', { fields: fields.join('\n') });
  }
  const lines = [s.text(QUESTION[step], { max: MAX_LENGTH[step] ?? MAX_TEXT, count: draft.attachments?.length ?? 0, maxFiles: MAX_ATTACHMENTS })];
  if (step === 'category' && !draft.answered?.length) lines.push(s.text('customer.file.navigation'));
  if (draft.answered?.includes(step) && step !== 'attachments') lines.push(s.text('customer.file.current', { value: displayValue(s, draft, step) }));
  return lines.join('\n');
}

/** A typed answer that names a button ("跳过", "Done", a category's name or number) counts as that button. */
export function typedButton(text: string, rows: TextButton[][], byNumber: boolean): string | undefined {
  const norm = (x: string) => x.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  const typed = norm(text);
  if (!typed) return undefined;
  const flat = rows.flat();
  const hit = flat.find((b) => norm(b.label) === typed);
  if (hit) return hit.data;
  if (byNumber && /^\d{1,2}$/.test(text.trim())) return flat[Number(text.trim()) - 1]?.data;
  return undefined;
}
