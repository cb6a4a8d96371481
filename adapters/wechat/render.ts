/** Encoding the product's outgoing texts for WeChat, which has no buttons: pure functions. */
import type { TextButton } from '../../src/app/shared/outbox.ts';
import type { AppConfig } from '../../src/config/schema.ts';
import { t, type Language } from '../../src/i18n/index.ts';

export type TemplateConfig = NonNullable<AppConfig['wechat']['templates']['resolution']>;

/** `1. label` lines, one per button (rows flattened in order). */
export function numberedOptions(buttons: TextButton[][] | undefined): string {
  return (buttons?.flat() ?? []).map((b, i) => `${i + 1}. ${b.label}`).join('\n');
}

/** The text with its buttons as a numbered list and how to answer, e.g. "reply with a number 1–6". */
export function textWithOptions(text: string, buttons: TextButton[][] | undefined, lang: Language): string {
  const count = buttons?.flat().length ?? 0;
  if (!count) return text;
  const how = count === 1 ? t(lang, 'wechat.replyWithNumber.one') : t(lang, 'wechat.replyWithNumber', { max: count });
  return `${text}\n\n${numberedOptions(buttons)}\n${how}`;
}

/** Appends the request to write back, on the last message the window allows. */
export function withLastMessageNote(text: string, lang: Language): string {
  return `${text}\n\n${t(lang, 'wechat.lastMessage')}`;
}

const DEFAULT_FIELDS: Record<string, string> = { first: '{title}', keyword1: '{number}', keyword2: '{time}', remark: '{text}' };
const MAX_FIELD = 200;

/** Fills a configured template's fields from the notice: `{name}` placeholders, each value cut to 200 characters. */
export function templateMessage(config: TemplateConfig, vars: Record<string, string>): { id: string; url?: string; data: Record<string, string> } {
  const id = typeof config === 'string' ? config : config.id;
  const fields = typeof config === 'string' || !config.data ? DEFAULT_FIELDS : config.data;
  const fill = (pattern: string) => pattern.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
  const data = Object.fromEntries(Object.entries(fields).map(([key, pattern]) => [key, cut(fill(pattern))]));
  return { id, ...(typeof config !== 'string' && config.url ? { url: config.url } : {}), data };
}

function cut(value: string): string {
  const chars = [...value];
  return chars.length <= MAX_FIELD ? value : `${chars.slice(0, MAX_FIELD - 1).join('')}…`;
}
