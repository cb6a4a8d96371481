/**
 * Contact phone numbers: a Chinese mobile (11 digits, 1[3-9]…), optionally with +86,
 * or an international number in E.164 form (+ and 8–15 digits).
 */
export function normalizePhone(input: string): string | null {
  const compact = input.trim().replace(/[\s\-()]/g, '');
  const cn = /^(?:\+?86)?(1[3-9]\d{9})$/.exec(compact);
  if (cn) return cn[1]!;
  if (/^\+[1-9]\d{7,14}$/.test(compact)) return compact;
  if (/^00[1-9]\d{7,14}$/.test(compact)) return `+${compact.slice(2)}`;
  return null;
}

/** 13812345678 → 138****5678; +4915112345678 → +49151****5678. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '—';
  if (phone.length <= 7) return '****';
  return `${phone.slice(0, phone.length - 8)}****${phone.slice(-4)}`;
}
