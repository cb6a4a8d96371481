/**
 * The complaint card (Feishu card JSON 2.0): a pure function of the complaint's view.
 * The buttons shown are those the current status allows, so the card is the staff's whole interface.
 */
import { allowedActions } from '../src/domain/lifecycle.ts';
import { formatLocalTime } from '../src/app/format.ts';
import type { ComplaintView } from '../src/app/complaint-view.ts';
import { t, type MessageKey } from '../src/i18n/index.ts';
import { cardValue, FORM_FIELDS } from './actions.ts';
import { MAX_RESOLUTION } from '../src/app/resolve-complaint.ts';

const HEADER_COLOR: Record<ComplaintView['status'], string> = {
  registered: 'red',
  accepted: 'orange',
  in_progress: 'orange',
  waiting_customer: 'yellow',
  reopened: 'red',
  resolved: 'green',
  closed: 'grey',
  rejected: 'grey',
};

function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_~`<>[\]()#]/g, (ch) => `\\${ch}`);
}

export function renderComplaintCard(view: ComplaintView): Record<string, unknown> {
  const lang = view.language;
  const time = (d: Date) => formatLocalTime(d, view.timeZone);
  const label = (key: MessageKey) => t(lang, key);
  const field = (key: MessageKey, value: string) => `**${label(key)}**：${value}`;
  const status = label(`card.status.${view.status}` as MessageKey);
  const lines = [
    field('card.field.status', status),
    field('card.field.category', escapeMarkdown(view.categoryName)),
    field('card.field.severity', label(`card.severity.${view.severity}` as MessageKey)),
    field('card.field.customer', `${escapeMarkdown(view.customerName)}（${view.maskedPhone}）`),
    field('card.field.channel', label(`channel.${view.channel}` as MessageKey)),
    field('card.field.registeredAt', time(view.registeredAt)),
    field('card.field.acceptDue', time(view.acceptDueAt)),
    field('card.field.resolveDue', time(view.resolveDueAt)),
  ];
  if (view.handlerName && view.acceptedAt) lines.push(field('card.field.handler', `${escapeMarkdown(view.handlerName)} · ${time(view.acceptedAt)}`));

  const elements: Record<string, unknown>[] = [
    { tag: 'markdown', element_id: 'facts', content: lines.join('\n') },
    { tag: 'hr' },
    { tag: 'markdown', element_id: 'description', content: `${field('card.field.description', '')}\n${escapeMarkdown(view.description)}` },
  ];
  if (view.resolution) elements.push({ tag: 'markdown', element_id: 'resolution', content: `${field('card.field.resolution', '')}\n${escapeMarkdown(view.resolution)}` });
  const timeline = view.timeline
    .map((e) => `${time(e.at)} ${escapeMarkdown(e.actorName ?? label('system'))} ${t(lang, `card.event.${e.type}` as MessageKey).replace(/^card\.event\./, '')}`)
    .join('\n');
  elements.push({ tag: 'markdown', element_id: 'timeline', text_size: 'notation', content: `${field('card.field.timeline', '')}\n${timeline}` });

  const allowed = allowedActions(view.status);
  if (allowed.includes('accept')) {
    elements.push({
      tag: 'button',
      element_id: 'accept',
      type: 'primary',
      text: { tag: 'plain_text', content: label('card.button.accept') },
      behaviors: [{ type: 'callback', value: cardValue('accept', view.id) }],
    });
  }
  if (allowed.includes('resolve')) {
    elements.push({
      tag: 'form',
      element_id: 'resolve_form',
      name: 'resolve_form',
      elements: [
        {
          tag: 'input',
          element_id: 'resolution_input',
          name: FORM_FIELDS.resolution,
          input_type: 'multiline_text',
          rows: 3,
          max_length: MAX_RESOLUTION,
          placeholder: { tag: 'plain_text', content: label('card.input.resolution') },
        },
        {
          tag: 'button',
          element_id: 'resolve',
          name: 'resolve',
          type: 'primary',
          form_action_type: 'submit',
          text: { tag: 'plain_text', content: label('card.button.resolve') },
          behaviors: [{ type: 'callback', value: cardValue('resolve', view.id) }],
        },
      ],
    });
  }
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: `${t(lang, 'card.title', { number: view.number })} · ${status}` } },
    header: {
      title: { tag: 'plain_text', content: t(lang, 'card.title', { number: view.number }) },
      subtitle: { tag: 'plain_text', content: view.departmentName },
      template: HEADER_COLOR[view.status],
      text_tag_list: [{ tag: 'text_tag', text: { tag: 'plain_text', content: status }, color: HEADER_COLOR[view.status] === 'grey' ? 'neutral' : HEADER_COLOR[view.status] }],
    },
    body: { elements },
  };
}
