/**
 * The value every card button carries, and the zod schemas of the value and of the form it submits:
 * one discriminated union over the action. A click whose value fails its schema (forged, from an old
 * card version, malformed) is refused with a toast and changes nothing. Typed form text is only
 * shape-checked here (a string or nothing); emptiness and length are the use cases' business, so the
 * toast can say exactly which field is wrong.
 */
import { z } from 'zod';
import type { StaffAction } from '../src/app/staff/handle-staff-action.ts';
import { MAX_ESCALATION_TIER } from '../src/app/staff/staff-input.ts';

export const CARD_VALUE_VERSION = 1;

export const CARD_ACTIONS = ['accept', 'resolve', 'reply', 'ask', 'note', 'transfer', 'escalate', 'classify', 'extend', 'reject', 'reopen', 'reveal', 'informed', 'staff_rate', 'link', 'intake', 'data_request', 'answered'] as const;
export type CardAction = (typeof CARD_ACTIONS)[number];

/** Form field names inside the card's forms (unique across the whole card, as Feishu requires). */
export const FORM_FIELDS = {
  resolution: 'resolution',
  // One form per audience, each with its own box (issue 11: one shared box sent internal notes to customers).
  replyText: 'reply_text',
  askText: 'ask_text',
  noteText: 'note_text',
  department: 'department',
  routeReason: 'route_reason',
  category: 'category',
  severity: 'severity',
  extension: 'extension',
  extendReason: 'extend_reason',
  rejectReason: 'reject_reason',
  rejectNote: 'reject_note',
  reopenReason: 'reopen_reason',
  cause: 'cause',
  causeDetail: 'cause_detail',
  measure: 'measure',
  compensationKind: 'compensation_kind',
  compensationAmount: 'compensation_amount',
  rating: 'rating',
  ratingComment: 'rating_comment',
  // what a customer without a chat answered to the question asked by phone (cards/customer-tasks.ts)
  customerAnswer: 'customer_answer',
  // the /new intake form (a card of its own)
  inChannel: 'in_channel',
  inName: 'in_name',
  inPhone: 'in_phone',
  inCategory: 'in_category',
  inDescription: 'in_description',
  inSubject: 'in_subject',
  inRequest: 'in_request',
  inWhen: 'in_when',
  inAddress: 'in_address',
  inReplyBy: 'in_reply_by',
  // the card of a customer's /forget request (a card of its own)
  requestReason: 'dr_reason',
} as const;

const base = { v: z.literal(CARD_VALUE_VERSION), c: z.number().int().positive().max(2_147_483_647) };
const valueOf = <A extends CardAction>(a: A) => z.object({ ...base, a: z.literal(a) }).strict();

export const cardActionValueSchema = z.discriminatedUnion('a', [
  valueOf('accept'),
  valueOf('resolve'),
  valueOf('reply'),
  valueOf('ask'),
  valueOf('note'),
  valueOf('transfer'),
  // the tier the card showed: a second click on an outdated card must not escalate twice
  z.object({ ...base, a: z.literal('escalate'), t: z.number().int().min(0).max(MAX_ESCALATION_TIER) }).strict(),
  valueOf('classify'),
  valueOf('extend'),
  valueOf('reject'),
  valueOf('reopen'),
  valueOf('reveal'),
  // a task on the card of a customer without a chat (k: the task's id)
  z.object({ ...base, a: z.literal('informed'), k: z.number().int().positive().max(2_147_483_647) }).strict(),
  valueOf('staff_rate'),
  valueOf('link'),
  valueOf('answered'),
  // the /new form: no complaint yet; n: the form's own id, so a second submit registers nothing new
  z.object({ v: base.v, a: z.literal('intake'), n: z.string().regex(/^[a-f0-9]{16,32}$/) }).strict(),
  // a customer's /forget request: r, the DataRequest's id; d, the decision of the button
  z.object({ v: base.v, a: z.literal('data_request'), r: base.c, d: z.enum(['approve', 'refuse']) }).strict(),
]);

export type CardActionValue = z.infer<typeof cardActionValueSchema>;

/**
 * The one text box of cards posted before the forms were split, shared by Reply, Ask and Internal note.
 * A click from such a card cannot say which audience the typer meant: it is refused (toast, card redrawn
 * with the separate forms), never sent.
 */
export const LEGACY_MESSAGE_FIELD = 'message';

/** A typed field: text, or '' when missing or not a string (a select left empty arrives as nothing). */
const field = z
  .unknown()
  .optional()
  .transform((v) => (typeof v === 'string' ? v : ''));
const form = <S extends Record<string, typeof field>>(shape: S) => z.object(shape).catchall(z.unknown());
const F = FORM_FIELDS;

/** Reply, Ask or Note from its own form; the old shared box (only it, without the action's own) is the legacy form. */
function messageAction(kind: 'reply' | 'ask' | 'note', name: string, f: Record<string, unknown>): StaffAction {
  if (!(name in f) && LEGACY_MESSAGE_FIELD in f) return { kind: 'legacy_message_form', intended: kind };
  return { kind, text: form({ [name]: field }).parse(f)[name] };
}

/** Each action's form, turned into the app's StaffAction. */
const FORMS: { [A in CardAction]: (formValue: Record<string, unknown>, value: Extract<CardActionValue, { a: A }>) => StaffAction } = {
  accept: () => ({ kind: 'accept' }),
  reveal: () => ({ kind: 'reveal' }),
  resolve: (f) => {
    const p = form({ [F.resolution]: field, [F.cause]: field, [F.causeDetail]: field, [F.measure]: field, [F.compensationKind]: field, [F.compensationAmount]: field }).parse(f);
    return {
      kind: 'resolve',
      resolution: p[F.resolution],
      cause: p[F.cause],
      causeDetail: p[F.causeDetail],
      measure: p[F.measure],
      compensationKind: p[F.compensationKind],
      compensationAmount: p[F.compensationAmount],
    };
  },
  reply: (f) => messageAction('reply', F.replyText, f),
  ask: (f) => messageAction('ask', F.askText, f),
  note: (f) => messageAction('note', F.noteText, f),
  transfer: (f) => {
    const p = form({ [F.department]: field, [F.routeReason]: field }).parse(f);
    return { kind: 'transfer', department: p[F.department], reason: p[F.routeReason] };
  },
  escalate: (f, value) => ({ kind: 'escalate', reason: form({ [F.routeReason]: field }).parse(f)[F.routeReason], fromTier: value.t }),
  classify: (f) => {
    const p = form({ [F.category]: field, [F.severity]: field }).parse(f);
    return { kind: 'classify', category: p[F.category], severity: p[F.severity] };
  },
  extend: (f) => {
    const p = form({ [F.extension]: field, [F.extendReason]: field }).parse(f);
    return { kind: 'extend', extension: p[F.extension], reason: p[F.extendReason] };
  },
  reject: (f) => {
    const p = form({ [F.rejectReason]: field, [F.rejectNote]: field }).parse(f);
    return { kind: 'reject', reason: p[F.rejectReason], note: p[F.rejectNote] };
  },
  reopen: (f) => ({ kind: 'reopen', reason: form({ [F.reopenReason]: field }).parse(f)[F.reopenReason] }),
  informed: (_f, value) => ({ kind: 'informed', taskId: value.k }),
  staff_rate: (f) => {
    const p = form({ [F.rating]: field, [F.ratingComment]: field }).parse(f);
    return { kind: 'staff_rate', rating: p[F.rating], comment: p[F.ratingComment] };
  },
  link: () => ({ kind: 'link' }),
  answered: (f) => ({ kind: 'answered', text: form({ [F.customerAnswer]: field }).parse(f)[F.customerAnswer] }),
  data_request: (f, value) => ({ kind: 'data_request', requestId: value.r, decision: value.d, reason: form({ [F.requestReason]: field }).parse(f)[F.requestReason] }),
  intake: (f, value) => {
    const p = form({
      [F.inChannel]: field, [F.inName]: field, [F.inPhone]: field, [F.inCategory]: field, [F.inDescription]: field,
      [F.inSubject]: field, [F.inRequest]: field, [F.inWhen]: field, [F.inAddress]: field, [F.inReplyBy]: field,
    }).parse(f);
    return {
      kind: 'intake',
      nonce: value.n,
      form: {
        channel: p[F.inChannel], name: p[F.inName], phone: p[F.inPhone], category: p[F.inCategory], description: p[F.inDescription],
        subject: p[F.inSubject], request: p[F.inRequest], when: p[F.inWhen], address: p[F.inAddress], replyBy: p[F.inReplyBy],
      },
    };
  },
};

export type ParsedCardAction = { ok: true; complaintId: number; action: StaffAction } | { ok: false; problem: string };

/** Validates a click's button value and its form, and turns them into the app's StaffAction. */
export function parseCardAction(value: unknown, formValue: unknown): ParsedCardAction {
  const parsed = cardActionValueSchema.safeParse(value);
  if (!parsed.success) return { ok: false, problem: parsed.error.issues[0]?.message ?? 'invalid value' };
  if (formValue !== undefined && (formValue === null || typeof formValue !== 'object' || Array.isArray(formValue))) return { ok: false, problem: 'form_value is not an object' };
  const toAction = FORMS[parsed.data.a] as (f: Record<string, unknown>, v: CardActionValue) => StaffAction;
  try {
    return { ok: true, complaintId: 'c' in parsed.data ? parsed.data.c : 0, action: toAction((formValue ?? {}) as Record<string, unknown>, parsed.data) };
  } catch (error) {
    return { ok: false, problem: `form_value: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}` };
  }
}

/** A button's value; `extra` carries what one action needs (escalate: `t`, the tier shown). */
export function cardValue(action: CardAction, complaintId: number, extra: { t?: number; k?: number; n?: string; r?: number; d?: 'approve' | 'refuse' } = {}): CardActionValue {
  if (action === 'intake') return { v: CARD_VALUE_VERSION, a: 'intake', n: extra.n ?? '' };
  if (action === 'data_request') return { v: CARD_VALUE_VERSION, a: 'data_request', r: extra.r ?? complaintId, d: extra.d ?? 'refuse' };
  return { v: CARD_VALUE_VERSION, a: action, c: complaintId, ...(action === 'escalate' ? { t: extra.t ?? 0 } : {}), ...(action === 'informed' ? { k: extra.k ?? 0 } : {}) } as CardActionValue;
}
