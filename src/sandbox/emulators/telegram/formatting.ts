import type { MessageEntity } from 'grammy/types';
import { badRequest, type TelegramApiError } from './errors.ts';

/** Text as Telegram stores it: markup removed, formatting moved into entities. */
export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

type SimpleEntityType = MessageEntity.CommonMessageEntity['type'];

/**
 * Applies `parse_mode` the way Telegram does, including its errors: a bot that sends
 * unescaped user input with HTML or MarkdownV2 gets the same 400 it would get in production.
 * Explicit `entities` are used as given when no parse mode is set.
 */
export function formatText(
  input: string,
  parseMode: string | undefined,
  explicitEntities: MessageEntity[] | undefined,
): FormattedText {
  if (parseMode === undefined || parseMode === '') {
    return { text: input, entities: explicitEntities ? structuredClone(explicitEntities) : [] };
  }
  switch (parseMode.toLowerCase()) {
    case 'html':
      return parseHtml(input);
    case 'markdownv2':
      return parseMarkdownV2(input);
    case 'markdown':
      return parseMarkdown(input);
    default:
      throw badRequest('unsupported parse_mode');
  }
}

/** Entities a Telegram client would mark in text typed by a user. */
export function detectEntities(text: string): MessageEntity[] {
  const patterns: Array<[SimpleEntityType, RegExp]> = [
    ['bot_command', /(?<=^|\s)\/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?(?=$|\s)/g],
    ['mention', /(?<=^|\s)@[a-zA-Z0-9_]{4,32}(?=$|[\s.,!?])/g],
    ['hashtag', /(?<=^|\s)#[\p{L}\p{N}_]+/gu],
    ['url', /\bhttps?:\/\/[^\s<>"]+/g],
  ];
  const found: MessageEntity[] = [];
  for (const [type, re] of patterns) {
    for (const match of text.matchAll(re)) found.push({ type, offset: match.index, length: match[0].length });
  }
  return sortEntities(found);
}

function parseError(message: string): TelegramApiError {
  return badRequest(`can't parse entities: ${message}`);
}

function byteOffset(src: string, index: number): number {
  return Buffer.byteLength(src.slice(0, index), 'utf8');
}

function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities
    .filter((e) => e.length > 0)
    .map((e, order) => ({ e, order }))
    .sort((a, b) => a.e.offset - b.e.offset || b.e.length - a.e.length || a.order - b.order)
    .map(({ e }) => e);
}

// ---------------------------------------------------------------------------- HTML

const HTML_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-emoji',
]);

const HTML_SIMPLE: Record<string, SimpleEntityType> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  span: 'spoiler',
  'tg-spoiler': 'spoiler',
};

interface OpenTag {
  name: string;
  start: number;
  attrs: Map<string, string>;
  /** Set on <pre> by a nested <code class="language-…">. */
  language?: string;
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
const ENTITY_RE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));/y;

/** Decodes the HTML entity at `src[i]`; an unknown one is kept literally. Returns [text, consumed]. */
function decodeEntityAt(src: string, i: number): [string, number] {
  ENTITY_RE.lastIndex = i;
  const match = ENTITY_RE.exec(src);
  if (match) {
    const [whole, dec, hex, name] = match;
    if (name !== undefined) {
      const decoded = NAMED_ENTITIES[name.toLowerCase()];
      if (decoded !== undefined) return [decoded, whole.length];
    } else {
      const code = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
      if (code > 0 && code <= 0x10ffff) return [String.fromCodePoint(code), whole.length];
    }
  }
  return ['&', 1];
}

function decodeAll(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; ) {
    if (value[i] === '&') {
      const [text, consumed] = decodeEntityAt(value, i);
      out += text;
      i += consumed;
    } else {
      out += value[i++];
    }
  }
  return out;
}

const isSpace = (ch: string | undefined): boolean => ch !== undefined && /\s/.test(ch);

function parseHtml(src: string): FormattedText {
  let out = '';
  const stack: OpenTag[] = [];
  const entities: MessageEntity[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '&') {
      const [text, consumed] = decodeEntityAt(src, i);
      out += text;
      i += consumed;
      continue;
    }
    if (ch !== '<') {
      out += ch;
      i++;
      continue;
    }
    const begin = i;
    if (src[i + 1] === '/') {
      const close = src.indexOf('>', i);
      if (close < 0) throw parseError(`Unclosed end tag at byte offset ${byteOffset(src, begin)}`);
      const name = src.slice(i + 2, close).trim().toLowerCase();
      const open = stack.pop();
      if (!open) throw parseError(`Unexpected end tag at byte offset ${byteOffset(src, begin)}`);
      if (open.name !== name) {
        throw parseError(
          `Unmatched end tag at byte offset ${byteOffset(src, begin)}, expected "</${open.name}>", found "</${name}>"`,
        );
      }
      closeHtmlTag(open, out.length, stack, entities);
      i = close + 1;
      continue;
    }
    let j = i + 1;
    while (j < src.length && !isSpace(src[j]) && src[j] !== '>') j++;
    const name = src.slice(i + 1, j).toLowerCase();
    if (!HTML_TAGS.has(name)) {
      throw parseError(`Unsupported start tag "${name}" at byte offset ${byteOffset(src, begin)}`);
    }
    const attrs = new Map<string, string>();
    for (;;) {
      while (isSpace(src[j])) j++;
      if (j >= src.length) throw parseError(`Unclosed start tag at byte offset ${byteOffset(src, begin)}`);
      if (src[j] === '>') {
        j++;
        break;
      }
      const attrStart = j;
      while (j < src.length && /[a-zA-Z0-9_-]/.test(src[j]!)) j++;
      if (j === attrStart) {
        throw parseError(`Empty attribute name in the tag "${name}" at byte offset ${byteOffset(src, begin)}`);
      }
      const attrName = src.slice(attrStart, j).toLowerCase();
      while (isSpace(src[j])) j++;
      let value = '';
      if (src[j] === '=') {
        j++;
        while (isSpace(src[j])) j++;
        const quote = src[j];
        if (quote === '"' || quote === "'") {
          const end = src.indexOf(quote, j + 1);
          if (end < 0) throw parseError(`Unclosed end of attribute value at byte offset ${byteOffset(src, j)}`);
          value = decodeAll(src.slice(j + 1, end));
          j = end + 1;
        } else {
          const valueStart = j;
          while (j < src.length && !isSpace(src[j]) && src[j] !== '>') j++;
          value = decodeAll(src.slice(valueStart, j));
        }
      }
      attrs.set(attrName, value);
    }
    if (name === 'span' && attrs.get('class') !== 'tg-spoiler') {
      throw parseError(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(src, begin)}`);
    }
    stack.push({ name, start: out.length, attrs });
    i = j;
  }
  const unclosed = stack.at(-1);
  if (unclosed) throw parseError(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return { text: out, entities: sortEntities(entities) };
}

function closeHtmlTag(open: OpenTag, end: number, stack: OpenTag[], entities: MessageEntity[]): void {
  const offset = open.start;
  const length = end - open.start;
  const simple = HTML_SIMPLE[open.name];
  if (simple) {
    entities.push({ type: simple, offset, length });
    return;
  }
  switch (open.name) {
    case 'code': {
      const parent = stack.at(-1);
      if (parent?.name === 'pre') {
        // <pre><code class="language-x"> is one pre entity with a language.
        const language = /^language-(.+)$/.exec(open.attrs.get('class') ?? '')?.[1];
        if (language) parent.language = language;
        return;
      }
      entities.push({ type: 'code', offset, length });
      return;
    }
    case 'pre':
      entities.push(
        open.language ? { type: 'pre', offset, length, language: open.language } : { type: 'pre', offset, length },
      );
      return;
    case 'a': {
      const url = open.attrs.get('href');
      if (url) entities.push({ type: 'text_link', offset, length, url });
      return;
    }
    case 'blockquote':
      entities.push({ type: open.attrs.has('expandable') ? 'expandable_blockquote' : 'blockquote', offset, length });
      return;
    case 'tg-emoji': {
      const id = open.attrs.get('emoji-id');
      if (id) entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: id });
      return;
    }
  }
}

// ---------------------------------------------------------------------------- MarkdownV2

const MDV2_RESERVED = new Set('_*[]()~`>#+-=|{}.!');

type MdV2Type = 'bold' | 'italic' | 'underline' | 'strikethrough' | 'spoiler' | 'text_link' | 'custom_emoji' | 'blockquote';

const MDV2_NAMES: Record<MdV2Type, string> = {
  bold: 'Bold',
  italic: 'Italic',
  underline: 'Underline',
  strikethrough: 'Strikethrough',
  spoiler: 'Spoiler',
  text_link: 'TextUrl',
  custom_emoji: 'CustomEmoji',
  blockquote: 'BlockQuote',
};

interface OpenMd {
  type: MdV2Type;
  start: number;
  srcPos: number;
}

function parseMarkdownV2(src: string): FormattedText {
  let out = '';
  const stack: OpenMd[] = [];
  const entities: MessageEntity[] = [];
  const n = src.length;
  const unclosedError = (open: OpenMd): TelegramApiError =>
    parseError(`Can't find end of ${MDV2_NAMES[open.type]} entity at byte offset ${byteOffset(src, open.srcPos)}`);
  let i = 0;
  while (i < n) {
    const ch = src[i]!;
    const code = src.charCodeAt(i + 1);
    if (ch === '\\' && i + 1 < n && code > 0 && code <= 126) {
      out += src[i + 1];
      i += 2;
      continue;
    }
    if (ch === '\n') {
      // A block quotation ends at the first line that does not start with '>'.
      const quote = stack.find((o) => o.type === 'blockquote');
      if (quote && src[i + 1] !== '>') {
        const top = stack.at(-1)!;
        if (top !== quote) throw unclosedError(top);
        stack.pop();
        entities.push({ type: 'blockquote', offset: quote.start, length: out.length - quote.start });
      }
      out += ch;
      i++;
      continue;
    }
    if (ch === '>' && (i === 0 || src[i - 1] === '\n')) {
      if (!stack.some((o) => o.type === 'blockquote')) {
        if (stack.length) throw parseError(`Character '>' is reserved and must be escaped with the preceding '\\'`);
        stack.push({ type: 'blockquote', start: out.length, srcPos: i });
      }
      i++;
      continue;
    }
    if (!MDV2_RESERVED.has(ch)) {
      out += ch;
      i++;
      continue;
    }

    const top = stack.at(-1);
    const double = src[i + 1] === ch;
    if (top && closes(top.type, ch, double)) {
      stack.pop();
      i += top.type === 'spoiler' || top.type === 'underline' ? 2 : 1;
      const offset = top.start;
      const length = out.length - top.start;
      if (top.type === 'text_link' || top.type === 'custom_emoji') {
        let url = out.slice(offset);
        if (src[i] === '(') {
          let j = i + 1;
          url = '';
          while (j < n && src[j] !== ')') {
            if (src[j] === '\\' && j + 1 < n) {
              url += src[j + 1];
              j += 2;
            } else {
              url += src[j++];
            }
          }
          if (j >= n) throw parseError(`Can't find end of a URL at byte offset ${byteOffset(src, i)}`);
          i = j + 1;
        }
        if (top.type === 'custom_emoji') {
          const id = /^tg:\/\/emoji\?id=(\d+)$/.exec(url)?.[1];
          if (!id) throw parseError(`Custom emoji URL must have an emoji identifier`);
          entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: id });
        } else if (url) {
          entities.push({ type: 'text_link', offset, length, url });
        }
      } else if (top.type !== 'blockquote') {
        entities.push({ type: top.type, offset, length });
      }
      continue;
    }

    const begin = i;
    switch (ch) {
      case '_':
        stack.push({ type: double ? 'underline' : 'italic', start: out.length, srcPos: begin });
        i += double ? 2 : 1;
        continue;
      case '*':
        stack.push({ type: 'bold', start: out.length, srcPos: begin });
        i++;
        continue;
      case '~':
        stack.push({ type: 'strikethrough', start: out.length, srcPos: begin });
        i++;
        continue;
      case '|':
        if (!double) break;
        stack.push({ type: 'spoiler', start: out.length, srcPos: begin });
        i += 2;
        continue;
      case '[':
        stack.push({ type: 'text_link', start: out.length, srcPos: begin });
        i++;
        continue;
      case '!':
        if (src[i + 1] !== '[') break;
        stack.push({ type: 'custom_emoji', start: out.length, srcPos: begin });
        i += 2;
        continue;
      case '`': {
        const isPre = src.startsWith('```', i);
        i += isPre ? 3 : 1;
        let language: string | undefined;
        if (isPre) {
          let end = i;
          while (end < n && !isSpace(src[end]) && src[end] !== '`') end++;
          if (end > i && end < n && src[end] !== '`') {
            language = src.slice(i, end);
            i = end;
          }
          if (src[i] === '\n') i++;
        }
        const start = out.length;
        let closed = false;
        while (i < n) {
          if (src[i] === '\\' && i + 1 < n) {
            out += src[i + 1];
            i += 2;
          } else if (isPre ? src.startsWith('```', i) : src[i] === '`') {
            i += isPre ? 3 : 1;
            closed = true;
            break;
          } else {
            out += src[i++];
          }
        }
        if (!closed) {
          throw parseError(`Can't find end of ${isPre ? 'Pre' : 'Code'} entity at byte offset ${byteOffset(src, begin)}`);
        }
        const length = out.length - start;
        if (!isPre) entities.push({ type: 'code', offset: start, length });
        else if (language) entities.push({ type: 'pre', offset: start, length, language });
        else entities.push({ type: 'pre', offset: start, length });
        continue;
      }
    }
    throw parseError(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
  }
  const quote = stack[0]?.type === 'blockquote' ? stack[0] : undefined;
  if (quote && stack.length === 1) {
    stack.pop();
    entities.push({ type: 'blockquote', offset: quote.start, length: out.length - quote.start });
  }
  const unclosed = stack.at(-1);
  if (unclosed) throw unclosedError(unclosed);
  return { text: out, entities: sortEntities(entities) };
}

/** Whether `ch` ends the innermost open entity; "__" is always read as underline (Telegram's rule). */
function closes(type: MdV2Type, ch: string, double: boolean): boolean {
  switch (type) {
    case 'bold':
      return ch === '*';
    case 'italic':
      return ch === '_' && !double;
    case 'underline':
      return ch === '_' && double;
    case 'strikethrough':
      return ch === '~';
    case 'spoiler':
      return ch === '|' && double;
    case 'text_link':
    case 'custom_emoji':
      return ch === ']';
    case 'blockquote':
      return false;
  }
}

// ---------------------------------------------------------------------------- legacy Markdown

function parseMarkdown(src: string): FormattedText {
  let out = '';
  const entities: MessageEntity[] = [];
  const n = src.length;
  const unclosed = (pos: number): TelegramApiError =>
    parseError(`Can't find end of the entity starting at byte offset ${byteOffset(src, pos)}`);
  let i = 0;
  while (i < n) {
    const ch = src[i]!;
    if (ch === '\\' && '_*`['.includes(src[i + 1] ?? ' ')) {
      out += src[i + 1];
      i += 2;
      continue;
    }
    if (ch === '_' || ch === '*') {
      const end = src.indexOf(ch, i + 1);
      if (end < 0) throw unclosed(i);
      const start = out.length;
      out += src.slice(i + 1, end);
      entities.push({ type: ch === '*' ? 'bold' : 'italic', offset: start, length: out.length - start });
      i = end + 1;
      continue;
    }
    if (ch === '`') {
      const isPre = src.startsWith('```', i);
      const fence = isPre ? '```' : '`';
      const end = src.indexOf(fence, i + fence.length);
      if (end < 0) throw unclosed(i);
      let content = src.slice(i + fence.length, end);
      let language: string | undefined;
      const firstLine = /^([^\s`]+)\n/.exec(content);
      if (isPre && firstLine) {
        language = firstLine[1];
        content = content.slice(firstLine[0].length);
      }
      const start = out.length;
      out += content;
      const length = content.length;
      if (!isPre) entities.push({ type: 'code', offset: start, length });
      else if (language) entities.push({ type: 'pre', offset: start, length, language });
      else entities.push({ type: 'pre', offset: start, length });
      i = end + fence.length;
      continue;
    }
    if (ch === '[') {
      const close = src.indexOf(']', i + 1);
      if (close < 0) throw unclosed(i);
      const start = out.length;
      out += src.slice(i + 1, close);
      i = close + 1;
      if (src[i] === '(') {
        const urlEnd = src.indexOf(')', i + 1);
        if (urlEnd < 0) throw unclosed(i);
        const url = src.slice(i + 1, urlEnd);
        if (url) entities.push({ type: 'text_link', offset: start, length: out.length - start, url });
        i = urlEnd + 1;
      }
      continue;
    }
    out += ch;
    i++;
  }
  return { text: out, entities: sortEntities(entities) };
}
