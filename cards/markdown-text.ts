/**
 * Text people typed (a customer's description, a name, a reason) shown inside card markdown exactly as
 * typed and inert: Feishu's markdown documents HTML entity escapes (`&#60;` for `<` …, "特殊字符转义说明"),
 * not backslashes. Every ASCII punctuation character is written as its numeric entity, `&` included, so
 * a typed `&lt;` stays `&lt;` on screen; `<at id=all>`, links, `**`, lists, headings and emoji codes
 * (`:smile:`) cannot form. Line breaks stay line breaks.
 */
export function markdownText(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
