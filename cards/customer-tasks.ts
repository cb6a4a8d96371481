/**
 * What the complaint card shows for a customer without a chat (a complaint registered by staff, /new):
 * each message the customer should get is a task with a "customer informed" button (who called when is
 * then shown), an offer to link the complaint to a chat customer with the same phone, and — once
 * resolved — the follow-up form where staff enter the customer's rating after calling them; while a
 * question waits for them, the question to call them with and a form to record their answer.
 */
import type { ComplaintView } from '../src/app/complaints/complaint-view.ts';
import type { MessageKey } from '../src/i18n/index.ts';
import { TEXT_LIMITS } from '../src/app/staff/staff-input.ts';
import { cardValue, FORM_FIELDS } from './actions.ts';
import { button, plain, type Element } from './elements.ts';

type Label = (key: MessageKey, params?: Record<string, string | number>) => string;

/** Open tasks shown with their button; done ones shown (latest first) up to this many. A card must stay under 30 KB. */
const OPEN_SHOWN = 5;
const DONE_SHOWN = 3;

function flat(text: string, max = 300): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

export function customerTaskElements(view: ComplaintView, label: Label, time: (d: Date) => string, escape: (s: string) => string, live: boolean): Element[] {
  const offline = view.offline;
  if (!offline) return [];
  const out: Element[] = [];
  const open = offline.tasks.filter((x) => !x.doneAt);
  const done = offline.tasks.filter((x) => x.doneAt).reverse();
  const lines = [`**${label('card.tasks.title')}**`];
  for (const task of done.slice(0, DONE_SHOWN)) lines.push(label('card.tasks.done', { who: escape(task.doneByName ?? ''), when: time(task.doneAt!), text: escape(flat(task.text, 80)) }));
  if (done.length > DONE_SHOWN) lines.push(label('card.tasks.moreDone', { count: done.length - DONE_SHOWN }));
  if (offline.lastAnswer)
    lines.push(label('answerTask.lastAnswer', { who: escape(offline.lastAnswer.recordedByName ?? ''), when: time(offline.lastAnswer.at), text: escape(flat(offline.lastAnswer.text, 200)) }));
  out.push({ tag: 'markdown', element_id: 'tasks', content: lines.join('\n') });
  out.push(...questionElements(view, label, time, escape, live));
  for (const task of open.slice(0, OPEN_SHOWN)) {
    out.push({ tag: 'markdown', element_id: `task_${task.id}`, content: label('card.tasks.open', { text: escape(flat(task.text)) }) });
    if (live)
      out.push({
        tag: 'button',
        element_id: `informed_${task.id}`,
        name: `informed_${task.id}`,
        type: 'primary',
        text: plain(label('card.button.informed')),
        behaviors: [{ type: 'callback', value: cardValue('informed', view.id, { k: task.id }) }],
      });
  }
  if (live && offline.linkTo) {
    out.push({ tag: 'markdown', element_id: 'link_offer', content: label('card.link.offer', { name: escape(offline.linkTo.name), platform: label(`channel.${offline.linkTo.platform}` as MessageKey) }) });
    out.push(button('link', view.id, label('card.button.link')));
  }
  if (live && view.status === 'resolved') {
    out.push({
      tag: 'form',
      element_id: 'rate_form',
      name: 'rate_form',
      elements: [
        { tag: 'markdown', element_id: 'rate_title', content: `**${label('card.rate.title')}**` },
        {
          tag: 'select_static',
          element_id: 'rating_select',
          name: FORM_FIELDS.rating,
          placeholder: plain(label('card.input.rating')),
          options: [1, 2, 3, 4, 5].map((n) => ({ text: plain(label('card.rating.option', { n })), value: String(n) })),
        },
        { tag: 'input', element_id: 'rating_comment', name: FORM_FIELDS.ratingComment, max_length: TEXT_LIMITS.reason, placeholder: plain(label('card.input.ratingComment')) },
        button('staff_rate', view.id, label('card.button.rate'), { primary: true, submit: true }),
      ],
    });
  }
  return out;
}

/**
 * While the complaint waits for such a customer: the question to call them with, and a form to record
 * what they answered (src/app/records/record-customer-answer.ts resumes the clocks).
 */
function questionElements(view: ComplaintView, label: Label, time: (d: Date) => string, escape: (s: string) => string, live: boolean): Element[] {
  const question = view.offline?.question;
  if (!question || view.status !== 'waiting_customer') return [];
  const out: Element[] = [
    { tag: 'markdown', element_id: 'question', content: label('answerTask.question', { text: escape(flat(question.text)), who: escape(question.askedByName ?? ''), when: time(question.askedAt) }) },
  ];
  if (live)
    out.push({
      tag: 'form',
      element_id: 'answer_form',
      name: 'answer_form',
      elements: [
        { tag: 'input', element_id: 'answer_input', name: FORM_FIELDS.customerAnswer, max_length: 1000, input_type: 'multiline_text', rows: 2, placeholder: plain(label('answerTask.input')) },
        button('answered', view.id, label('answerTask.button'), { primary: true, submit: true }),
      ],
    });
  return out;
}
