/**
 * The XML WeChat pushes: one `<xml>` root holding flat `<Name>value</Name>` fields (text or CDATA), a few
 * of them with child fields. A small linear scanner instead of a general XML parser: no DOCTYPE, no
 * entity expansion beyond the five predefined ones and character references, so a hostile body can
 * neither blow up memory nor take quadratic time. Anything unexpected throws `XmlError`.
 */

export type XmlFields = { [name: string]: string | XmlFields };

export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

const NAME = /^[A-Za-z_][\w.-]*/;
const MAX_DEPTH = 4;

export function parseWechatXml(input: string): XmlFields {
  const s = input.replace(/^\uFEFF/, '');
  let i = 0;
  const skipSpace = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const expect = (token: string) => {
    if (!s.startsWith(token, i)) throw new XmlError(`expected ${token} at ${i}`);
    i += token.length;
  };
  const readName = (): string => {
    const m = NAME.exec(s.slice(i, i + 64));
    if (!m) throw new XmlError(`expected a tag name at ${i}`);
    i += m[0].length;
    return m[0];
  };
  const skipProlog = () => {
    skipSpace();
    if (s.startsWith('<?xml', i)) {
      const end = s.indexOf('?>', i);
      if (end < 0) throw new XmlError('unterminated XML declaration');
      i = end + 2;
      skipSpace();
    }
    if (s.startsWith('<!', i) && !s.startsWith('<![CDATA[', i)) throw new XmlError('DOCTYPE and comments are not accepted');
  };

  // Reads the content of an element whose start tag was consumed, up to and including its end tag.
  const readElement = (name: string, depth: number): string | XmlFields => {
    let text = '';
    let children: XmlFields | undefined;
    for (;;) {
      if (i >= s.length) throw new XmlError(`unterminated <${name}>`);
      if (s.startsWith('<![CDATA[', i)) {
        const end = s.indexOf(']]>', i + 9);
        if (end < 0) throw new XmlError('unterminated CDATA');
        text += s.slice(i + 9, end);
        i = end + 3;
      } else if (s.startsWith('</', i)) {
        i += 2;
        const closing = readName();
        if (closing !== name) throw new XmlError(`</${closing}> closes <${name}>`);
        skipSpace();
        expect('>');
        return children ?? text;
      } else if (s[i] === '<') {
        if (s.startsWith('<!', i) || s.startsWith('<?', i)) throw new XmlError('DOCTYPE, comments and processing instructions are not accepted');
        if (depth >= MAX_DEPTH) throw new XmlError('nested too deep');
        i++;
        const child = readName();
        skipSpace();
        if (s.startsWith('/>', i)) {
          i += 2;
          (children ??= {})[child] = '';
          continue;
        }
        expect('>');
        children ??= {};
        const value = readElement(child, depth + 1);
        if (!(child in children)) children[child] = value; // repeated children (e.g. PicList items): the first one
      } else {
        const next = s.indexOf('<', i);
        const end = next < 0 ? s.length : next;
        text += decodeEntities(s.slice(i, end));
        i = end;
      }
    }
  };

  skipProlog();
  expect('<');
  const root = readName();
  skipSpace();
  expect('>');
  const value = readElement(root, 1);
  skipSpace();
  if (i !== s.length) throw new XmlError('content after the root element');
  if (typeof value === 'string') {
    if (value.trim()) throw new XmlError('the root element holds text, not fields');
    return {};
  }
  return value;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-z]{2,4});/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref] ?? whole;
  });
}

/** A string field of a parsed push, or undefined (missing, or a nested element). */
export function field(fields: XmlFields, name: string): string | undefined {
  const v = fields[name];
  return typeof v === 'string' ? v : undefined;
}

/** Builds a flat push body the way WeChat writes it (strings in CDATA, numbers bare). */
export function buildWechatXml(fields: Record<string, string | number>): string {
  const parts = Object.entries(fields).map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}><![CDATA[${v.replaceAll(']]>', ']]]]><![CDATA[>')}]]></${k}>`));
  return `<xml>${parts.join('')}</xml>`;
}
