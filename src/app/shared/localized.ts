/** A config name that is one string or one per language, in the reader's language. */
import type { Language } from '../../i18n/index.ts';

export function localizedName(name: string | { zh: string; en: string }, lang: Language): string {
  return typeof name === 'string' ? name : name[lang];
}
