/**
 * What Feishu refuses in a card JSON 2.0 (vendor reference, "卡片 JSON 2.0 结构" and the JSON 2.0 component
 * pages): in 2.0 an unsupported attribute is an error, not ignored ("传入不支持的属性将报错"), so every
 * component's attributes are checked against the reference's list, with the ranges and enums it gives —
 * e.g. an input's `max_length` 1–1,000, `element_id` a letter then letters/digits/underscores, at most 20
 * characters and unique in the card, forms only at the body's root with named fields and a submit button.
 * Returns the problems found (empty when Feishu would take the card); the store answers 230099 with them.
 * Components the reference has but the product does not use are refused as unknown tags, so a card using
 * one fails loudly here rather than passing unchecked.
 */
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const COMMON = ['tag', 'element_id', 'margin'];
const TEXT_SIZES = ['heading-0', 'heading-1', 'heading-2', 'heading-3', 'heading-4', 'heading', 'normal', 'notation', 'xxxx-large', 'xxx-large', 'xx-large', 'x-large', 'large', 'medium', 'small', 'x-small'];
const HEADER_TEMPLATES = ['blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default'];
const TAG_COLORS = ['neutral', 'blue', 'turquoise', 'lime', 'orange', 'violet', 'indigo', 'wathet', 'green', 'yellow', 'red', 'purple', 'carmine'];
const BUTTON_TYPES = ['default', 'primary', 'danger', 'text', 'primary_text', 'danger_text', 'primary_filled', 'danger_filled', 'laser'];
const FLEX_MODES = ['none', 'stretch', 'flow', 'bisect', 'trisect'];
const SPACING = /^(small|medium|large|extra_large|default|\d{1,2}px)$/;

/** Each component's attributes in JSON 2.0, besides tag / element_id / margin. */
const ATTRIBUTES: Record<string, string[]> = {
  markdown: ['text_align', 'text_size', 'icon', 'content', 'i18n_content', 'href'],
  hr: [],
  div: ['text', 'fields', 'icon', 'width', 'text_align'],
  button: ['type', 'size', 'width', 'text', 'icon', 'hover_tips', 'disabled', 'disabled_tips', 'confirm', 'behaviors', 'form_action_type', 'name'],
  input: ['name', 'required', 'placeholder', 'default_value', 'disabled', 'disabled_tips', 'width', 'behaviors', 'max_length', 'input_type', 'rows', 'auto_resize', 'max_rows', 'show_icon', 'label', 'label_position', 'value', 'confirm'],
  select_static: ['type', 'name', 'required', 'disabled', 'initial_option', 'initial_index', 'placeholder', 'width', 'behaviors', 'options', 'confirm'],
  form: ['direction', 'horizontal_spacing', 'vertical_spacing', 'horizontal_align', 'vertical_align', 'padding', 'name', 'elements'],
  column_set: ['horizontal_spacing', 'horizontal_align', 'flex_mode', 'background_style', 'action', 'columns'],
  column: ['background_style', 'width', 'weight', 'horizontal_spacing', 'horizontal_align', 'vertical_align', 'vertical_spacing', 'direction', 'padding', 'elements', 'action'],
  chart: ['aspect_ratio', 'color_theme', 'chart_spec', 'preview', 'height'],
};
const ROOT = ['schema', 'config', 'card_link', 'header', 'body'];
const CONFIG = ['streaming_mode', 'streaming_config', 'summary', 'locales', 'enable_forward', 'update_multi', 'width_mode', 'use_custom_translation', 'enable_forward_interaction', 'style'];
const HEADER = ['title', 'subtitle', 'text_tag_list', 'i18n_text_tag_list', 'template', 'icon', 'padding'];
const BODY = ['elements', 'direction', 'padding', 'horizontal_spacing', 'vertical_spacing', 'horizontal_align', 'vertical_align'];
const TEXT = ['tag', 'element_id', 'content', 'i18n_content', 'text_size', 'text_align', 'text_color', 'lines'];
/** Interactive components that submit a value inside a form: each needs a `name` unique in the card. */
const FIELDS = new Set(['input', 'select_static', 'button']);

class Checker {
  readonly problems: string[] = [];
  private readonly ids = new Set<string>();
  private readonly names = new Set<string>();

  fail(path: string, what: string): void {
    this.problems.push(`${path}: ${what}`);
  }

  only(path: string, node: Json, allowed: readonly string[]): void {
    for (const key of Object.keys(node)) if (!allowed.includes(key)) this.fail(path, `unsupported attribute "${key}"`);
  }

  elementId(path: string, node: Json): void {
    const id = node['element_id'];
    if (id === undefined) return;
    if (typeof id !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,19}$/.test(id)) this.fail(path, `element_id ${JSON.stringify(id)} must start with a letter, use letters, digits and _ only, at most 20 characters`);
    else if (this.ids.has(id)) this.fail(path, `element_id "${id}" is used twice`);
    else this.ids.add(id);
  }

  text(path: string, node: unknown, required = true): void {
    if (node === undefined && !required) return;
    if (!isObject(node)) return this.fail(path, 'must be a text object');
    this.only(path, node, TEXT);
    if (node['tag'] !== 'plain_text' && node['tag'] !== 'lark_md') this.fail(path, `text tag must be plain_text or lark_md, not ${JSON.stringify(node['tag'])}`);
    if (typeof node['content'] !== 'string' && !isObject(node['i18n_content'])) this.fail(path, 'text needs content');
    this.elementId(path, node);
  }

  enumOf(path: string, value: unknown, allowed: readonly string[], attr: string): void {
    if (value !== undefined && (typeof value !== 'string' || !allowed.includes(value))) this.fail(path, `${attr} ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
  }

  intIn(path: string, value: unknown, min: number, max: number, attr: string): void {
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)) this.fail(path, `${attr} ${JSON.stringify(value)} must be an integer in ${min}–${max}`);
  }

  behaviors(path: string, value: unknown): void {
    if (value === undefined) return;
    if (!Array.isArray(value)) return this.fail(path, 'behaviors must be an array');
    value.forEach((b, i) => {
      const p = `${path}.behaviors[${i}]`;
      if (!isObject(b)) return this.fail(p, 'must be an object');
      if (b['type'] === 'callback') {
        this.only(p, b, ['type', 'value']);
        if (!isObject(b['value'])) this.fail(p, 'callback value must be an object');
      } else if (b['type'] === 'open_url') this.only(p, b, ['type', 'default_url', 'android_url', 'ios_url', 'pc_url']);
      else if (b['type'] === 'form_submit' || b['type'] === 'form_reset') this.only(p, b, ['type']);
      else this.fail(p, `unknown behavior type ${JSON.stringify(b['type'])}`);
    });
  }

  elements(path: string, list: unknown, where: { root: boolean; form: Json | null }): void {
    if (!Array.isArray(list)) return this.fail(path, 'elements must be an array');
    list.forEach((el, i) => this.element(`${path}[${i}]`, el, where));
  }

  element(path: string, el: unknown, where: { root: boolean; form: Json | null }): void {
    if (!isObject(el)) return this.fail(path, 'must be an object');
    const tag = el['tag'];
    const own = typeof tag === 'string' ? ATTRIBUTES[tag] : undefined;
    if (!own) return this.fail(path, `unsupported tag ${JSON.stringify(tag)}`);
    this.only(path, el, [...COMMON, ...own]);
    this.elementId(path, el);
    if (where.form && FIELDS.has(tag as string)) {
      const name = el['name'];
      if (typeof name !== 'string' || !name) this.fail(path, `a ${String(tag)} inside a form needs a name`);
      else if (this.names.has(name)) this.fail(path, `name "${name}" is used twice in the card`);
      else this.names.add(name);
    }
    switch (tag) {
      case 'markdown':
        if (typeof el['content'] !== 'string' && !isObject(el['i18n_content'])) this.fail(path, 'markdown needs content');
        this.enumOf(path, el['text_size'], TEXT_SIZES, 'text_size');
        this.enumOf(path, el['text_align'], ['left', 'center', 'right'], 'text_align');
        break;
      case 'button':
        this.text(`${path}.text`, el['text'], false);
        this.enumOf(path, el['type'], BUTTON_TYPES, 'type');
        this.enumOf(path, el['size'], ['tiny', 'small', 'medium', 'large'], 'size');
        this.enumOf(path, el['form_action_type'], ['submit', 'reset'], 'form_action_type');
        if (el['form_action_type'] !== undefined && !where.form) this.fail(path, 'form_action_type outside a form');
        this.behaviors(path, el['behaviors']);
        break;
      case 'input':
        this.intIn(path, el['max_length'], 1, 1000, 'max_length');
        this.enumOf(path, el['input_type'], ['text', 'multiline_text', 'password'], 'input_type');
        this.intIn(path, el['rows'], 1, 1000, 'rows');
        this.intIn(path, el['max_rows'], 1, 1000, 'max_rows');
        this.text(`${path}.placeholder`, el['placeholder'], false);
        this.text(`${path}.label`, el['label'], false);
        if (el['required'] !== undefined && !where.form) this.fail(path, 'required is only allowed inside a form');
        this.behaviors(path, el['behaviors']);
        break;
      case 'select_static': {
        this.text(`${path}.placeholder`, el['placeholder'], false);
        const options = el['options'];
        if (!Array.isArray(options) || options.length === 0) this.fail(path, 'select_static needs options');
        else
          options.forEach((o, i) => {
            const p = `${path}.options[${i}]`;
            if (!isObject(o)) return this.fail(p, 'must be an object');
            this.only(p, o, ['text', 'icon', 'value']);
            this.text(`${p}.text`, o['text']);
            if (typeof o['value'] !== 'string') this.fail(p, 'option value must be a string');
          });
        const initial = el['initial_option'];
        if (initial !== undefined && Array.isArray(options) && !options.some((o) => isObject(o) && o['value'] === initial)) this.fail(path, `initial_option ${JSON.stringify(initial)} is not an option`);
        if (el['required'] !== undefined && !where.form) this.fail(path, 'required is only allowed inside a form');
        this.behaviors(path, el['behaviors']);
        break;
      }
      case 'form': {
        if (!where.root) this.fail(path, 'a form may only sit at the root of body.elements');
        if (typeof el['name'] !== 'string' || !el['name']) this.fail(path, 'a form needs a name');
        this.elements(`${path}.elements`, el['elements'], { root: false, form: el });
        if (!JSON.stringify(el['elements'] ?? []).includes('"form_action_type":"submit"')) this.fail(path, 'a form needs a button with form_action_type submit');
        break;
      }
      case 'column_set': {
        this.enumOf(path, el['flex_mode'], FLEX_MODES, 'flex_mode');
        if (el['horizontal_spacing'] !== undefined && !SPACING.test(String(el['horizontal_spacing']))) this.fail(path, `horizontal_spacing ${JSON.stringify(el['horizontal_spacing'])}`);
        const columns = el['columns'];
        if (!Array.isArray(columns)) this.fail(path, 'column_set needs columns');
        else
          columns.forEach((c, i) => {
            const p = `${path}.columns[${i}]`;
            if (!isObject(c) || c['tag'] !== 'column') return this.fail(p, 'a column_set holds columns only');
            this.only(p, c, [...COMMON, ...ATTRIBUTES['column']!]);
            this.elementId(p, c);
            if (c['width'] !== undefined && !/^(auto|weighted|\d{1,3}px)$/.test(String(c['width']))) this.fail(p, `width ${JSON.stringify(c['width'])}`);
            this.intIn(p, c['weight'], 1, 5, 'weight');
            this.elements(`${p}.elements`, c['elements'] ?? [], { root: false, form: where.form });
          });
        break;
      }
      case 'chart':
        if (!isObject(el['chart_spec'])) this.fail(path, 'chart needs a chart_spec object');
        break;
      default:
        break;
    }
  }
}

/** The problems Feishu would refuse the 2.0 card for; empty when it would take it. */
export function cardV2Problems(card: Json): string[] {
  const c = new Checker();
  c.only('card', card, ROOT);
  const config = card['config'];
  if (config !== undefined) {
    if (!isObject(config)) c.fail('config', 'must be an object');
    else {
      c.only('config', config, CONFIG);
      if (config['update_multi'] !== undefined && config['update_multi'] !== true) c.fail('config', 'update_multi must be true in JSON 2.0');
      c.enumOf('config', config['width_mode'], ['compact', 'fill'], 'width_mode');
      const summary = config['summary'];
      if (summary !== undefined && (!isObject(summary) || Object.keys(summary).some((k) => k !== 'content' && k !== 'i18n_content'))) c.fail('config.summary', 'only content and i18n_content');
    }
  }
  const header = card['header'];
  if (header !== undefined) {
    if (!isObject(header)) c.fail('header', 'must be an object');
    else {
      c.only('header', header, HEADER);
      c.text('header.title', header['title']);
      c.text('header.subtitle', header['subtitle'], false);
      c.enumOf('header', header['template'], HEADER_TEMPLATES, 'template');
      const tags = header['text_tag_list'];
      if (tags !== undefined) {
        if (!Array.isArray(tags)) c.fail('header.text_tag_list', 'must be an array');
        else
          tags.forEach((tg, i) => {
            const p = `header.text_tag_list[${i}]`;
            if (!isObject(tg) || tg['tag'] !== 'text_tag') return c.fail(p, 'must be a text_tag');
            c.only(p, tg, ['tag', 'element_id', 'text', 'color']);
            c.elementId(p, tg);
            c.text(`${p}.text`, tg['text']);
            c.enumOf(p, tg['color'], TAG_COLORS, 'color');
          });
      }
    }
  }
  const body = card['body'];
  if (!isObject(body)) c.fail('body', 'a JSON 2.0 card needs body.elements');
  else {
    c.only('body', body, BODY);
    c.elements('body.elements', body['elements'], { root: true, form: null });
  }
  return c.problems;
}
