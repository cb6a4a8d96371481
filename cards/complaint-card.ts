/**
 * The complaint card (Feishu card JSON 2.0): a pure function of the complaint's view.
 * The buttons and forms shown are those the current status allows, so the card is the staff's whole
 * interface; a card that is no longer the complaint's current one (transferred, or a newer card was
 * posted) is drawn without any, saying where the complaint is now.
 * Feishu rules kept here: forms only at the root, field names unique in the card, under 30 KB.
 */
import { allowedActions } from '../src/domain/lifecycle.ts';
import { SEVERITIES } from '../src/domain/sla.ts';
import { EXTENSION_OPTIONS } from '../src/domain/deadline-adjustments.ts';
import { formatLocalTime } from '../src/app/shared/format.ts';
import type { ComplaintView, TimelineEntry } from '../src/app/complaints/complaint-view.ts';
import { t, type Language, type MessageKey } from '../src/i18n/index.ts';
import { cardValue, FORM_FIELDS, type CardAction } from './actions.ts';
import { markdownText } from './markdown-text.ts';
import { MAX_RESOLUTION } from '../src/app/complaints/resolve-complaint.ts';
import { REJECT_REASONS, TEXT_LIMITS, MAX_ESCALATION_TIER } from '../src/app/staff/staff-input.ts';
import { resolutionDetailLines, resolutionFormFields } from './resolution-fields.ts';
import { customerTaskElements } from './customer-tasks.ts';
import { button, plain, type Element } from './elements.ts';

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

/** Typed text, shown as typed and inert (see markdown-text.ts). */
const escapeMarkdown = markdownText;

function snippet(text: unknown, max = 60): string {
  if (typeof text !== 'string') return '';
  const flat = text.replace(/\s+/g, ' ').trim();
  return escapeMarkdown(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}

function buttonRow(id: string, buttons: Element[]): Element {
  return { tag: 'column_set', element_id: id, flex_mode: 'flow', horizontal_spacing: '8px', columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })) };
}

/** Feishu's card input takes at most 1,000 characters (JSON 2.0 reference: max_length 1–1,000). */
const FEISHU_INPUT_MAX = 1000;

function input(name: string, placeholder: string, maxLength: number, multiline: boolean): Element {
  return {
    tag: 'input',
    element_id: `${name}_input`,
    name,
    max_length: Math.min(maxLength, FEISHU_INPUT_MAX),
    placeholder: plain(placeholder),
    ...(multiline ? { input_type: 'multiline_text', rows: 2 } : {}),
  };
}

function select(name: string, placeholder: string, options: { value: string; label: string }[], initial?: string): Element {
  return {
    tag: 'select_static',
    element_id: `${name}_select`,
    name,
    placeholder: plain(placeholder),
    ...(initial ? { initial_option: initial } : {}),
    options: options.map((o) => ({ text: plain(o.label), value: o.value })),
  };
}

function describeEvent(e: TimelineEntry, lang: Language, time: (d: Date) => string): string {
  const d = e.data;
  switch (e.type) {
    case 'transfer':
      return ` → ${escapeMarkdown(String(d.toName ?? d.to ?? ''))}${d.reason ? `：${snippet(d.reason)}` : ''}`;
    case 'escalate':
      return ` → ${t(lang, `card.escalation.${Number(d.tier) >= 2 ? 2 : 1}` as MessageKey)}${d.reason ? `：${snippet(d.reason)}` : ''}`;
    case 'reject':
      return typeof d.reason === 'string' ? `：${t(lang, `staff.rejectReason.${d.reason}` as MessageKey)}` : '';
    case 'change_classification':
      return ` → ${escapeMarkdown(String(d.categoryName ?? d.category ?? ''))} · ${t(lang, `card.severity.${String(d.severity)}` as MessageKey)}`;
    case 'extend_deadline':
      return typeof d.resolveDueAt === 'string' ? ` → ${time(new Date(d.resolveDueAt))}` : '';
    // Staff texts say who read them: sent to the customer, or kept among colleagues.
    case 'reply_customer':
    case 'ask_customer':
      return ` ${t(lang, 'card.audience.customer')}${d.text ? `：${snippet(d.text)}` : ''}`;
    case 'note':
      return ` ${t(lang, 'card.audience.internal')}${d.text ? `：${snippet(d.text)}` : ''}`;
    case 'customer_message':
    case 'customer_replied':
      return d.text ? `：${snippet(d.text)}` : d.attachments ? `：📎 ${Number(d.attachments)}` : '';
    case 'reopen':
      return d.reason ? `：${snippet(d.reason)}` : '';
    default:
      return '';
  }
}

export function renderComplaintCard(view: ComplaintView): Record<string, unknown> {
  const lang = view.language;
  const time = (d: Date) => formatLocalTime(d, view.timeZone);
  const label = (key: MessageKey, params: Record<string, string | number> = {}) => t(lang, key, params);
  const field = (key: MessageKey, value: string) => `**${label(key)}**：${value}`;
  const status = label(`card.status.${view.status}` as MessageKey);
  const live = (!view.card || view.card.active) && !view.archivedAt;
  const open = ['registered', 'accepted', 'in_progress', 'waiting_customer', 'reopened'].includes(view.status);

  const lines = [
    field('card.field.status', status),
    field('card.field.department', escapeMarkdown(view.departmentName)),
    field('card.field.category', escapeMarkdown(view.categoryName)),
    field('card.field.severity', label(`card.severity.${view.severity}` as MessageKey)),
    field('card.field.customer', `${escapeMarkdown(view.customerName)}（${view.maskedPhone}）`),
    field('card.field.channel', label(`channel.${view.channel}` as MessageKey)),
    field('card.field.registeredAt', time(view.registeredAt)),
  ];
  if (view.recordedByName) lines.push(field('card.field.recorder', escapeMarkdown(view.recordedByName)));
  if (view.handlerName && view.acceptedAt) lines.push(field('card.field.handler', `${escapeMarkdown(view.handlerName)} · ${time(view.acceptedAt)}`));
  if (view.escalationTier > 0) lines.push(field('card.field.escalation', label(`card.escalation.${Math.min(view.escalationTier, 2)}` as MessageKey)));
  if (open) {
    if (view.status === 'registered') lines.push(field('card.field.acceptDue', time(view.acceptDueAt)));
    // After a reopening the first-reply clock is the recontact clock: named for what it is.
    if (!view.firstReplyAt) lines.push(field((view.reopens ?? 0) > 0 ? 'card.field.recontactDue' : 'card.field.firstReplyDue', time(view.firstReplyDueAt)));
    lines.push(field('card.field.resolveDue', `${time(view.resolveDueAt)}${view.deadlineExtended ? label('card.extended') : ''}`));
    lines.push(field('card.field.hardLimit', time(view.hardLimitAt)));
    if (view.pausedAt) lines.push(label('card.paused', { since: time(view.pausedAt) }));
  }

  const elements: Element[] = [];
  if (view.archivedAt) elements.push({ tag: 'markdown', element_id: 'archived', content: label('card.archived', { at: time(view.archivedAt) }) });
  else if (!live) {
    const moved = view.card!.chatId !== view.departmentChatId;
    elements.push({
      tag: 'markdown',
      element_id: 'stale',
      content: moved ? label('card.stale.moved', { department: escapeMarkdown(view.departmentName) }) : label('card.stale.superseded'),
    });
  }
  elements.push(
    { tag: 'markdown', element_id: 'facts', content: lines.join('\n') },
    { tag: 'hr' },
    { tag: 'markdown', element_id: 'description', content: `${field('card.field.description', '')}\n${escapeMarkdown(view.description)}` },
  );
  // What the customer asked for, as collected at filing: about whom/what, the request, when, where, reply by.
  const asked = view.request
    ? ([
        ['card.field.subject', view.request.subject],
        ['card.field.desiredOutcome', view.request.desiredOutcome],
        ['card.field.occurredAt', view.request.occurredAt],
        ['card.field.address', view.request.address],
        ['card.field.requestedReplyBy', view.request.requestedReplyBy],
      ] as const).filter(([, v]) => v)
    : [];
  if (asked.length) elements.push({ tag: 'markdown', element_id: 'request', content: asked.map(([k, v]) => field(k, escapeMarkdown(v!))).join('\n') });
  if (view.resolution)
    elements.push({
      tag: 'markdown',
      element_id: 'resolution',
      content: [`${field('card.field.resolution', '')}\n${escapeMarkdown(view.resolution)}`, ...resolutionDetailLines(view, label, escapeMarkdown)].join('\n'),
    });
  if (view.status === 'rejected' && view.rejectReason)
    elements.push({ tag: 'markdown', element_id: 'reject_reason', content: field('card.field.rejectReason', label(`staff.rejectReason.${view.rejectReason}` as MessageKey)) });
  const timeline = view.timeline.map((e) => {
    const name = t(lang, `card.event.${e.type}` as MessageKey).replace(/^card\.event\./, '');
    return `${time(e.at)} ${escapeMarkdown(e.actorName ?? label('system'))} ${escapeMarkdown(name)}${describeEvent(e, lang, time)}`;
  });
  if (view.earlierEvents > 0) timeline.unshift(label('card.timeline.earlier', { count: view.earlierEvents }));
  elements.push({ tag: 'markdown', element_id: 'timeline', text_size: 'notation', content: `${field('card.field.timeline', '')}\n${timeline.join('\n')}` });

  if (view.offline) elements.push(...customerTaskElements(view, label, time, escapeMarkdown, live));
  if (live) elements.push(...actionElements(view, label));

  const color = live ? HEADER_COLOR[view.status] : 'grey';
  return {
    schema: '2.0',
    config: { update_multi: true, summary: { content: `${t(lang, 'card.title', { number: view.number })} · ${status}` } },
    header: {
      title: plain(t(lang, 'card.title', { number: view.number })),
      subtitle: plain(view.departmentName),
      template: color,
      text_tag_list: [{ tag: 'text_tag', text: plain(status), color: color === 'grey' ? 'neutral' : color }],
    },
    body: { elements },
  };
}

/** The buttons and forms the current status allows. */
function actionElements(view: ComplaintView, label: (key: MessageKey, params?: Record<string, string | number>) => string): Element[] {
  const allowed = new Set<string>(allowedActions(view.status));
  const id = view.id;
  const out: Element[] = [];
  const submit = (a: CardAction, key: MessageKey, opts: { primary?: boolean; danger?: boolean } = {}) => button(a, id, label(key), { ...opts, submit: true, tier: view.escalationTier });
  const formOf = (name: string, elements: Element[]): Element => ({ tag: 'form', element_id: name, name, elements });

  if (allowed.has('accept')) out.push(button('accept', id, label('card.button.accept'), { primary: true }));
  if (allowed.has('reveal_phone') && view.maskedPhone !== '—') out.push(button('reveal', id, label('card.button.reveal')));
  if (allowed.has('resolve')) {
    out.push(
      formOf('resolve_form', [
        input(FORM_FIELDS.resolution, label('card.input.resolution'), MAX_RESOLUTION, true),
        ...resolutionFormFields(view, label),
        submit('resolve', 'card.button.resolve', { primary: true }),
      ]),
    );
  }
  // One form per audience, each with its own box and one button that says who will read the text: a text
  // typed for colleagues can only be saved as an internal note, never sent to the customer by a wrong click.
  const textForm = (name: string, action: CardAction, field: string, keys: { title: MessageKey; placeholder: MessageKey; submit: MessageKey }, opts: { primary?: boolean } = {}) =>
    formOf(name, [
      { tag: 'markdown', element_id: `${action}_title`, content: label(keys.title) },
      input(field, label(keys.placeholder), TEXT_LIMITS.message, true),
      submit(action, keys.submit, opts),
    ]);
  if (allowed.has('reply_customer'))
    out.push(textForm('reply_form', 'reply', FORM_FIELDS.replyText, { title: 'card.form.reply.title', placeholder: 'card.form.reply.placeholder', submit: 'card.form.reply.submit' }, { primary: true }));
  if (allowed.has('ask_customer'))
    out.push(textForm('ask_form', 'ask', FORM_FIELDS.askText, { title: 'card.form.ask.title', placeholder: 'card.form.ask.placeholder', submit: 'card.form.ask.submit' }));
  if (allowed.has('note'))
    out.push(textForm('note_form', 'note', FORM_FIELDS.noteText, { title: 'card.form.note.title', placeholder: 'card.form.note.placeholder', submit: 'card.form.note.submit' }));
  const routeButtons: Element[] = [];
  if (allowed.has('transfer')) routeButtons.push(submit('transfer', 'card.button.transfer'));
  if (allowed.has('escalate') && view.escalationTier < MAX_ESCALATION_TIER) routeButtons.push(submit('escalate', 'card.button.escalate', { danger: true }));
  if (routeButtons.length) {
    const others = view.options.departments.filter((d) => d.id !== view.departmentId).map((d) => ({ value: d.id, label: d.name }));
    out.push(
      formOf('route_form', [
        ...(allowed.has('transfer') ? [select(FORM_FIELDS.department, label('card.input.department'), others)] : []),
        input(FORM_FIELDS.routeReason, label('card.input.routeReason'), TEXT_LIMITS.reason, false),
        buttonRow('route_buttons', routeButtons),
      ]),
    );
  }
  if (allowed.has('change_classification')) {
    out.push(
      formOf('classify_form', [
        select(FORM_FIELDS.category, label('card.input.category'), view.options.categories.map((c) => ({ value: c.id, label: c.name })), view.categoryId),
        select(FORM_FIELDS.severity, label('card.input.severity'), SEVERITIES.map((s) => ({ value: s, label: label(`card.severity.${s}` as MessageKey) })), view.severity),
        submit('classify', 'card.button.classify'),
      ]),
    );
  }
  if (allowed.has('extend_deadline') && !view.deadlineExtended) {
    out.push(
      formOf('extend_form', [
        select(FORM_FIELDS.extension, label('card.input.extension'), EXTENSION_OPTIONS.map((o) => ({ value: o, label: label(`card.extension.${o}` as MessageKey) }))),
        input(FORM_FIELDS.extendReason, label('card.input.extendReason'), TEXT_LIMITS.reason, false),
        submit('extend', 'card.button.extend'),
      ]),
    );
  }
  if (allowed.has('reject')) {
    out.push(
      formOf('reject_form', [
        select(FORM_FIELDS.rejectReason, label('card.input.rejectReason'), REJECT_REASONS.map((r) => ({ value: r, label: label(`staff.rejectReason.${r}` as MessageKey) }))),
        input(FORM_FIELDS.rejectNote, label('card.input.rejectNote'), TEXT_LIMITS.reason, false),
        submit('reject', 'card.button.reject', { danger: true }),
      ]),
    );
  }
  if (allowed.has('reopen')) {
    out.push(formOf('reopen_form', [input(FORM_FIELDS.reopenReason, label('card.input.reopenReason'), TEXT_LIMITS.reason, false), submit('reopen', 'card.button.reopen')]));
  }
  return out;
}
