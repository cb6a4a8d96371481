import { zh, type MessageKey } from './zh.ts';
import { en } from './en.ts';

export type Language = 'zh' | 'en';
export type { MessageKey };
const catalogues: Record<Language, Record<MessageKey, string>> = { zh, en };

/** Looks up a text and fills `{name}` placeholders. */
export function t(lang: Language, key: MessageKey, params: Record<string, string | number> = {}): string {
  return (catalogues[lang][key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => (name in params ? String(params[name]) : `{${name}}`));
}

/** Telegram's language_code (zh-hans, en-US …) → a catalogue we have, or undefined. */
export function languageFromCode(code: string | undefined | null): Language | undefined {
  if (!code) return undefined;
  const base = code.toLowerCase().split(/[-_]/)[0];
  return base === 'zh' ? 'zh' : base === 'en' ? 'en' : undefined;
}
