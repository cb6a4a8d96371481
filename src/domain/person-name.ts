/**
 * A person's name from a given name and a family name, as people write it: a Chinese (CJK) name family
 * name first with no space (李 + 雷 → 李雷), any other name as the platform gives it (given name first,
 * a space between: Chen Yu stays "Chen Yu"). Pure.
 */
const HAN = /^[\p{Script=Han}·]+$/u;

export function personName(given: string | undefined, family: string | undefined): string {
  const g = given?.trim() ?? '';
  const f = family?.trim() ?? '';
  if (g && f && HAN.test(g) && HAN.test(f)) return `${f}${g}`;
  return [g, f].filter(Boolean).join(' ');
}
