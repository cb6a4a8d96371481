// Draws a Feishu card (JSON 2.0, as the bot sends it) as HTML: header with its template colour and
// tags, markdown (bold, italics, strike, code, links, <at> mentions, <font> colours, escapes), plain
// text, hr, column sets, buttons, selects, inputs, forms, the chart element and images. Buttons carry
// their callback value, so a click can be sent back through the same callback path as in Feishu.
// Plain ES module with no dependencies: used by the page and by the unit tests in Node.
import { renderChart } from './chart.js';

const TEMPLATE_COLOURS = ['blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default'];

export function escapeHtml(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

const PLACEHOLDER = (i) => `\uE000${i}\uE001`;

/**
 * Feishu markdown (lark_md) → HTML. `names` maps open_ids to names for mentions.
 * Everything not understood stays as text, HTML-escaped.
 */
export function renderMarkdown(source, opts = {}) {
  const names = opts.names ?? {};
  const kept = [];
  const keep = (html) => PLACEHOLDER(kept.push(html) - 1);
  let s = String(source ?? '');
  // backslash escapes: the character itself, never markup
  s = s.replace(/\\([\\*_~`<>[\]()#])/g, (_, ch) => keep(escapeHtml(ch)));
  // HTML entity escapes (&#60; &lt; …), as Feishu documents for card markdown: the character itself, never markup
  s = s.replace(/&(#\d{1,6}|#x[0-9a-f]{1,6}|lt|gt|amp|quot|apos|nbsp|sim);/gi, (whole, body) => {
    const named = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0', sim: '~' };
    const lower = body.toLowerCase();
    const ch = lower[0] === '#' ? String.fromCodePoint(lower[1] === 'x' ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10)) : named[lower];
    return ch === undefined ? whole : keep(escapeHtml(ch));
  });
  // mentions: <at id=…></at>, <at user_id="…"></at>, <at id=all></at>
  s = s.replace(/<at\s+(?:user_id|id|open_id|email)=["']?([^"'\s>]+)["']?\s*>([^<]*)<\/at>/g, (_, id, inner) => {
    const name = id === 'all' ? (opts.all ?? 'all') : (names[id] ?? (inner || id));
    return keep(`<span class="mention" data-open-id="${escapeHtml(id)}">@${escapeHtml(name)}</span>`);
  });
  // coloured text
  s = s.replace(/<font\s+color=["']?([a-z-]+)["']?\s*>([\s\S]*?)<\/font>/g, (_, color, inner) => keep(`<span class="font-${escapeHtml(color)}">`) + inner + keep('</span>'));
  // links
  s = s.replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, (_, text, href) => keep(`<a href="${escapeHtml(href)}" target="_blank" rel="noopener">`) + text + keep('</a>'));
  s = s.replace(/`([^`]+)`/g, (_, code) => keep(`<code>${escapeHtml(code)}</code>`));
  s = escapeHtml(s);
  // bold never spans lines and never starts inside a run of stars (a masked phone 138****5678 stays text)
  s = s.replace(/(^|[^*])\*\*(?!\s)([^*\n]+?)\*\*(?!\*)/g, '$1<strong>$2</strong>');
  s = s.replace(/~~([^~]+?)~~/g, '<del>$1</del>');
  s = s.replace(/(^|[^*\w])\*([^*\n]+?)\*(?!\w)/g, '$1<em>$2</em>');
  s = s.split('\n').map((line) => (/^\s*[-•]\s+/.test(line) ? `<span class="li">• ${line.replace(/^\s*[-•]\s+/, '')}</span>` : line)).join('<br>');
  return s.replace(/\uE000(\d+)\uE001/g, (_, i) => kept[Number(i)]);
}

function textOf(t, opts) {
  if (t == null) return '';
  if (typeof t === 'string') return escapeHtml(t);
  if (t.tag === 'lark_md') return renderMarkdown(t.content, opts);
  return escapeHtml(t.content ?? '').replace(/\n/g, '<br>');
}

function callbackValue(el) {
  const behavior = (el.behaviors ?? []).find((b) => b.type === 'callback');
  return behavior?.value ?? el.value;
}

function attrs(map) {
  return Object.entries(map)
    .filter(([, v]) => v !== undefined && v !== null && v !== false)
    .map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${escapeHtml(v)}"`))
    .join('');
}

function renderElement(el, opts) {
  if (!el || typeof el !== 'object') return '';
  const id = el.element_id ? { 'data-element-id': el.element_id } : {};
  switch (el.tag) {
    case 'markdown':
      return `<div class="md${el.text_size === 'notation' ? ' notation' : ''}"${attrs(id)}>${renderMarkdown(el.content, opts)}</div>`;
    case 'plain_text':
    case 'lark_md':
      return `<div class="text"${attrs(id)}>${textOf(el, opts)}</div>`;
    case 'div':
      return `<div class="text"${attrs(id)}>${textOf(el.text, opts)}${(el.fields ?? []).map((f) => `<div class="field">${textOf(f.text, opts)}</div>`).join('')}</div>`;
    case 'hr':
      return '<hr>';
    case 'column_set':
      return `<div class="columns"${attrs(id)}>${(el.columns ?? [])
        .map((c) => `<div class="column${c.width === 'auto' ? ' auto' : ''}">${(c.elements ?? []).map((e) => renderElement(e, opts)).join('')}</div>`)
        .join('')}</div>`;
    case 'button': {
      const value = callbackValue(el);
      return `<button type="button"${attrs({
        class: `btn btn-${el.type ?? 'default'}`,
        ...id,
        'data-name': el.name,
        'data-value': value === undefined ? undefined : JSON.stringify(value),
        'data-submit': el.form_action_type === 'submit' ? 'submit' : el.form_action_type === 'reset' ? 'reset' : undefined,
        disabled: el.disabled === true,
      })}>${textOf(el.text, opts)}</button>`;
    }
    case 'input': {
      const placeholder = el.placeholder?.content ?? '';
      const common = { name: el.name, placeholder, maxlength: el.max_length, ...id, value: el.input_type === 'multiline_text' ? undefined : el.default_value };
      return el.input_type === 'multiline_text'
        ? `<textarea class="input"${attrs({ ...common, rows: el.rows ?? 2 })}>${escapeHtml(el.default_value ?? '')}</textarea>`
        : `<input class="input"${attrs({ ...common, type: 'text' })}>`;
    }
    case 'select_static': {
      const options = (el.options ?? []).map((o) => `<option${attrs({ value: o.value, selected: o.value === el.initial_option })}>${textOf(o.text, opts)}</option>`);
      const placeholder = `<option value=""${el.initial_option ? '' : ' selected'} disabled>${textOf(el.placeholder, opts)}</option>`;
      return `<select class="select"${attrs({ name: el.name, ...id })}>${placeholder}${options.join('')}</select>`;
    }
    case 'form':
      return `<form class="form"${attrs({ 'data-form': el.name, ...id })}>${(el.elements ?? []).map((e) => renderElement(e, opts)).join('')}</form>`;
    case 'chart':
      return `<div class="chart-box"${attrs(id)}>${renderChart(el.chart_spec)}</div>`;
    case 'img':
    case 'image':
      return `<img class="img"${attrs({ src: opts.imageUrl ? opts.imageUrl(el.img_key) : el.img_key, alt: el.alt?.content ?? '', ...id })}>`;
    case 'note':
      return `<div class="note"${attrs(id)}>${(el.elements ?? []).map((e) => renderElement(e, opts)).join(' ')}</div>`;
    case 'person':
      return `<span class="mention">@${escapeHtml(opts.names?.[el.user_id] ?? el.user_id)}</span>`;
    default:
      return `<div class="unsupported"${attrs(id)}>[${escapeHtml(el.tag ?? 'element')}]</div>`;
  }
}

/** The card as HTML. `opts.names` (open_id → name) and `opts.imageUrl` (image_key → URL) are optional. */
export function renderCard(card, opts = {}) {
  if (!card || typeof card !== 'object') return '<div class="card-error">[card]</div>';
  if (card.type === 'template') return `<div class="card-error">template card ${escapeHtml(card.data?.template_id ?? '')}</div>`;
  const header = card.header;
  const colour = TEMPLATE_COLOURS.includes(header?.template) ? header.template : 'default';
  const tags = (header?.text_tag_list ?? []).map((t) => `<span class="tag tag-${escapeHtml(t.color ?? 'neutral')}">${textOf(t.text, opts)}</span>`).join('');
  const head = header
    ? `<div class="card-header tpl-${colour}" data-template="${colour}"><div class="card-title">${textOf(header.title, opts)}${tags}</div>${header.subtitle ? `<div class="card-subtitle">${textOf(header.subtitle, opts)}</div>` : ''}</div>`
    : '';
  const elements = card.body?.elements ?? card.elements ?? [];
  return `<div class="card-body">${elements.map((e) => renderElement(e, opts)).join('')}</div>`.replace(/^/, head);
}

/** A text message's content as HTML: plain text with <at> mentions (what Feishu shows for msg_type text). */
export function renderText(text, opts = {}) {
  const parts = String(text ?? '').split(/(<at\s+[^>]*>[^<]*<\/at>)/g);
  return parts
    .map((part, i) => (i % 2 === 1 ? renderMarkdown(part, opts) : escapeHtml(part).replace(/\n/g, '<br>')))
    .join('');
}
