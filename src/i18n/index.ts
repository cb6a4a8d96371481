import { zh, type MessageKey } from './zh.ts';
import { en } from './en.ts';
import { wechatEn, wechatZh } from './wechat.ts';

export type Language = 'zh' | 'en';
export type { MessageKey };
const catalogues: Record<Language, Record<MessageKey, string>> = { zh, en };

/** Texts that differ on a channel because they name what it lacks (buttons, slash commands). */
const channelCatalogues: Record<string, Record<Language, Partial<Record<MessageKey, string>>>> = { wechat: { zh: wechatZh, en: wechatEn } };

/** Looks up a text and fills `{name}` placeholders; with `channel`, that channel's wording wins where it has one. */
export function t(lang: Language, key: MessageKey, params: Record<string, string | number> = {}, channel?: string): string {
  const text = (channel ? channelCatalogues[channel]?.[lang][key] : undefined) ?? catalogues[lang][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => (name in params ? String(params[name]) : `{${name}}`));
}

/** Telegram's language_code (zh-hans, en-US …) → a catalogue we have, or undefined. */
export function languageFromCode(code: string | undefined | null): Language | undefined {
  if (!code) return undefined;
  const base = code.toLowerCase().split(/[-_]/)[0];
  return base === 'zh' ? 'zh' : base === 'en' ? 'en' : undefined;
}
