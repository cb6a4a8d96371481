/**
 * What a Feishu client shows for card markdown, as far as the tests need it: the visible text, and the
 * mentions and links the markdown makes. Modelled on the card markdown reference: HTML entities are
 * decoded (`&#60;`, `&lt;`, `&amp;` …), `<at id=…>`/`<at user_id=…>` are mentions, `[t](url)` and bare
 * `http(s)://` URLs are links, `**`, `*`, `~~`, `` ` `` are formatting, `# ` starts a heading, `- `/`1. `
 * a list, `:name:` an emoji. Whatever is formatting does not show as text.
 */
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0', ensp: '\u2002', emsp: '\u2003', sim: '~' };

function decodeEntities(s: string): string {
  return s.replace(/&(#\d{1,6}|#x[0-9a-f]{1,6}|[a-z]{2,8});/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return NAMED[body.toLowerCase()] ?? whole;
  });
}

export interface RenderedMarkdown {
  text: string;
  mentions: string[];
  links: string[];
  formatted: boolean;
}

export function renderLarkMarkdown(markdown: string): RenderedMarkdown {
  const mentions: string[] = [];
  const links: string[] = [];
  let formatted = false;
  // Markup is recognised in the source, before entities are decoded: an escaped character is text.
  let s = markdown.replace(/<at\s+(?:user_)?id=["']?([^"'>\s]+)["']?\s*>(.*?)<\/at>/g, (_, id: string) => {
    mentions.push(id);
    return '';
  });
  s = s.replace(/\[([^\]]*)\]\(([^)]*)\)/g, (_, t: string, url: string) => {
    links.push(url);
    return t;
  });
  s = s.replace(/https?:\/\/[^\s<>&]+/g, (url) => {
    links.push(url);
    return url;
  });
  s = s.replace(/\*\*([^*]+)\*\*|~~([^~]+)~~|\*([^*]+)\*|`([^`]+)`/g, (_, a?: string, b?: string, c?: string, d?: string) => {
    formatted = true;
    return a ?? b ?? c ?? d ?? '';
  });
  s = s.replace(/^(#{1,6} |[-*+] |\d+\. |> )/gm, () => {
    formatted = true;
    return '';
  });
  s = s.replace(/:[a-zA-Z_]{2,30}:/g, () => {
    formatted = true;
    return '';
  });
  s = s.replace(/\\([\\`*_{}[\]()#+\-.!<>~])/g, '$1');
  return { text: decodeEntities(s), mentions, links, formatted };
}
