/**
 * The structured resolution on the complaint card: the resolve form's fields besides the result
 * (cause category and text, improvement measure, compensation kind and amount), and the lines that
 * show a recorded resolution's cause, measure and compensation. Kept apart from complaint-card.ts so
 * the card's other forms can change without touching these.
 */
import type { ComplaintView } from '../src/app/complaints/complaint-view.ts';
import type { MessageKey } from '../src/i18n/index.ts';
import { MAX_MEASURE } from '../src/app/complaints/resolve-complaint.ts';
import { TEXT_LIMITS } from '../src/app/staff/staff-input.ts';
import { FORM_FIELDS } from './actions.ts';

type Element = Record<string, unknown>;
type Label = (key: MessageKey, params?: Record<string, string | number>) => string;

const plain = (content: string) => ({ tag: 'plain_text', content });

function select(id: string, name: string, placeholder: string, options: { id: string; name: string }[]): Element {
  return { tag: 'select_static', element_id: id, name, placeholder: plain(placeholder), options: options.map((o) => ({ text: plain(o.name), value: o.id })) };
}

function input(id: string, name: string, placeholder: string, maxLength: number, multiline = false): Element {
  return { tag: 'input', element_id: id, name, max_length: maxLength, placeholder: plain(placeholder), ...(multiline ? { input_type: 'multiline_text', rows: 2 } : {}) };
}

/** The resolve form's fields after the result: cause, measure, compensation. */
export function resolutionFormFields(view: ComplaintView, label: Label): Element[] {
  return [
    // element ids: at most 20 characters (Feishu)
    select('cause_select', FORM_FIELDS.cause, label('card.input.cause'), view.options.causes ?? []),
    input('cause_detail_input', FORM_FIELDS.causeDetail, label('card.input.causeDetail'), TEXT_LIMITS.reason),
    input('measure_input', FORM_FIELDS.measure, label('card.input.measure'), MAX_MEASURE, true),
    select('comp_kind_select', FORM_FIELDS.compensationKind, label('card.input.compensationKind'), view.options.compensationKinds ?? []),
    input('comp_amount_input', FORM_FIELDS.compensationAmount, label('card.input.compensationAmount'), 20),
  ];
}

/** "**Cause**: …" lines of a recorded resolution (already escaped by the caller's `escape`). */
export function resolutionDetailLines(view: ComplaintView, label: Label, escape: (s: string) => string): string[] {
  const lines: string[] = [];
  if (view.cause) lines.push(`**${label('card.field.cause')}**：${escape(view.cause)}`);
  if (view.measure) lines.push(`**${label('card.field.measure')}**：${escape(view.measure)}`);
  if (view.compensation) lines.push(`**${label('card.field.compensation')}**：${escape(view.compensation)}`);
  return lines;
}
