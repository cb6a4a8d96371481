/**
 * The /new (新投诉) form card (Feishu card JSON 2.0) for a complaint received by phone, at a counter, by
 * email or letter, and the card that replaces it once registered. The form's id (`n`) makes a second
 * submit of the same card register nothing new. Feishu: forms at the root, element ids ≤ 20 characters.
 */
import { t, type Language, type MessageKey } from '../src/i18n/index.ts';
import { INTAKE_CHANNELS, INTAKE_LIMITS } from '../src/app/records/register-offline-complaint.ts';
import { cardValue, FORM_FIELDS as F } from './actions.ts';

type Element = Record<string, unknown>;
const plain = (content: string) => ({ tag: 'plain_text', content });

export function renderIntakeFormCard(opts: { nonce: string; language: Language; categories: { id: string; name: string }[] }): Record<string, unknown> {
  const label = (key: MessageKey) => t(opts.language, key);
  const input = (id: string, name: string, key: MessageKey, max: number, multiline = false): Element => ({
    tag: 'input',
    element_id: id,
    name,
    max_length: Math.min(max, 1000), // Feishu's input takes 1–1,000 (card JSON 2.0 reference)
    placeholder: plain(label(key)),
    ...(multiline ? { input_type: 'multiline_text', rows: 3 } : {}),
  });
  const select = (id: string, name: string, key: MessageKey, options: { value: string; label: string }[]): Element => ({
    tag: 'select_static',
    element_id: id,
    name,
    placeholder: plain(label(key)),
    options: options.map((o) => ({ text: plain(o.label), value: o.value })),
  });
  const form: Element = {
    tag: 'form',
    element_id: 'intake_form',
    name: 'intake_form',
    elements: [
      select('in_channel', F.inChannel, 'intake.input.channel', INTAKE_CHANNELS.map((c) => ({ value: c, label: label(`channel.${c}` as MessageKey) }))),
      input('in_name', F.inName, 'intake.input.name', INTAKE_LIMITS.name),
      input('in_phone', F.inPhone, 'intake.input.phone', INTAKE_LIMITS.phone),
      select('in_category', F.inCategory, 'intake.input.category', opts.categories.map((c) => ({ value: c.id, label: c.name }))),
      input('in_description', F.inDescription, 'intake.input.description', INTAKE_LIMITS.description, true),
      input('in_subject', F.inSubject, 'intake.input.subject', INTAKE_LIMITS.short),
      input('in_request', F.inRequest, 'intake.input.request', INTAKE_LIMITS.short),
      input('in_when', F.inWhen, 'intake.input.when', INTAKE_LIMITS.short),
      input('in_address', F.inAddress, 'intake.input.address', INTAKE_LIMITS.short),
      input('in_reply_by', F.inReplyBy, 'intake.input.replyBy', INTAKE_LIMITS.short),
      {
        tag: 'button',
        element_id: 'intake',
        name: 'intake',
        type: 'primary',
        form_action_type: 'submit',
        text: plain(label('intake.button.submit')),
        behaviors: [{ type: 'callback', value: cardValue('intake', 0, { n: opts.nonce }) }],
      },
    ],
  };
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: label('intake.title') } },
    header: { title: plain(label('intake.title')), template: 'blue' },
    body: { elements: [{ tag: 'markdown', element_id: 'intake_hint', text_size: 'notation', content: label('intake.hint') }, form] },
  };
}

export function renderIntakeDoneCard(opts: { number: string; channel: string; recorder: string; department: string; language: Language }): Record<string, unknown> {
  const title = t(opts.language, 'intake.title');
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: opts.number } },
    header: { title: plain(title), template: 'green' },
    body: { elements: [{ tag: 'markdown', element_id: 'intake_done', content: t(opts.language, 'intake.done', opts) }] },
  };
}
