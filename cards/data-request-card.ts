/**
 * The card of a customer's request to delete their personal data (`/forget`), posted into the supervision
 * chat: who asks, their complaints, and a form with the reason and two buttons (approve, refuse). Once
 * decided it is replaced by a card that says who decided what, when and why. Feishu card JSON 2.0:
 * forms at the root, element ids ≤ 20 characters.
 */
import { t, type Language } from '../src/i18n/index.ts';
import { cardValue, FORM_FIELDS as F } from './actions.ts';
import { markdownText } from './markdown-text.ts';

const plain = (content: string) => ({ tag: 'plain_text', content });

export interface DataRequestCardInput {
  id: number;
  customer: string;
  channel: string;
  requestedAt: string;
  total: number;
  open: number;
  openNumbers: string[];
  language: Language;
}

export const DATA_REQUEST_REASON_MAX = 500;

export function renderDataRequestCard(o: DataRequestCardInput): Record<string, unknown> {
  const label = (key: Parameters<typeof t>[1], params: Record<string, string | number> = {}) => t(o.language, key, params);
  const title = label('forget.card.title', { id: o.id });
  const button = (id: string, decision: 'approve' | 'refuse', type: string) => ({
    tag: 'button',
    element_id: id,
    name: id,
    type,
    form_action_type: 'submit',
    text: plain(label(decision === 'approve' ? 'forget.card.approve' : 'forget.card.refuse')),
    behaviors: [{ type: 'callback', value: cardValue('data_request', 0, { r: o.id, d: decision }) }],
  });
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: title } },
    header: { title: plain(title), template: 'orange' },
    body: {
      elements: [
        {
          tag: 'markdown',
          element_id: 'dr_body',
          content: markdownText(
            label('forget.card.body', {
              customer: o.customer,
              channel: o.channel,
              time: o.requestedAt,
              total: o.total,
              open: o.open,
              numbers: o.openNumbers.length ? `：${o.openNumbers.join(', ')}` : '',
            }),
          ),
        },
        {
          tag: 'form',
          element_id: 'dr_form',
          name: 'dr_form',
          elements: [
            { tag: 'input', element_id: 'dr_reason', name: F.requestReason, max_length: DATA_REQUEST_REASON_MAX, placeholder: plain(label('forget.card.reason')), input_type: 'multiline_text', rows: 2 },
            button('dr_approve', 'approve', 'danger'),
            button('dr_refuse', 'refuse', 'default'),
          ],
        },
      ],
    },
  };
}

export function renderDataRequestDecidedCard(o: { id: number; approved: boolean; text: string; language: Language }): Record<string, unknown> {
  const title = t(o.language, 'forget.card.title', { id: o.id });
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: title } },
    header: { title: plain(title), template: o.approved ? 'green' : 'grey' },
    body: { elements: [{ tag: 'markdown', element_id: 'dr_done', content: markdownText(o.text) }] },
  };
}
