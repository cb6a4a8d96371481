/**
 * Customer text on cards shows exactly what was typed and stays inert: escaped as Feishu's card markdown
 * documents, then read back through the emulator's model of what Feishu shows.
 */
import { describe, expect, it } from 'vitest';
import { markdownText } from '../../cards/markdown-text.ts';
import { renderLarkMarkdown } from '../../src/sandbox/emulators/feishu/markdown.ts';

const TYPED = [
  'Tom & Jerry <b>bold</b> a > b < c',
  '&lt; typed literally, &amp; and &#60; too',
  '<at id=all></at> everyone look',
  '<at user_id="ou_123"></at>',
  '**not bold** *not italic* ~~not struck~~ `not code`',
  '[click](https://evil.example) and https://evil.example/x?a=1&b=2',
  '# not a heading\n- not a list\n1. not a list\n> not a quote',
  ':smile: \\ back\\slash _under_ $5 + 3 = 8 | pipe {braces} "quotes" \'single\' !bang #hash @at ^caret %',
  '全角：＜＞＆，中文（括号）【方括号】',
];

describe('customer text in card markdown', () => {
  it.each(TYPED)('round trip: %j', (typed) => {
    const shown = renderLarkMarkdown(markdownText(typed));
    expect(shown.text).toBe(typed);
    expect(shown.mentions).toEqual([]);
    expect(shown.links).toEqual([]);
    expect(shown.formatted).toBe(false);
  });
  it('the model sees what the old backslash escaping let through', () => {
    const old = (s: string) => s.replace(/[\\*_~`<>[\]()#]/g, (ch) => `\\${ch}`);
    expect(renderLarkMarkdown(old('&lt;')).text).toBe('<'); // a typed &lt; showed as <
    expect(renderLarkMarkdown(old('see https://evil.example')).links).toEqual(['https://evil.example']);
  });
});
