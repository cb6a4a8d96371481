/** Small Feishu card JSON 2.0 building blocks shared by the complaint card and its parts. */
import { cardValue, type CardAction } from './actions.ts';

export type Element = Record<string, unknown>;

export function plain(content: string) {
  return { tag: 'plain_text', content };
}

/** A callback button for a complaint; `submit` makes it submit the form it stands in. */
export function button(id: CardAction, complaintId: number, label: string, opts: { primary?: boolean; danger?: boolean; submit?: boolean; tier?: number } = {}): Element {
  return {
    tag: 'button',
    element_id: id,
    name: id,
    type: opts.danger ? 'danger' : opts.primary ? 'primary' : 'default',
    ...(opts.submit ? { form_action_type: 'submit' } : {}),
    text: plain(label),
    behaviors: [{ type: 'callback', value: cardValue(id, complaintId, { t: opts.tier }) }],
  };
}
