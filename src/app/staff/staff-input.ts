/**
 * What staff may type or choose on a card, checked once for every action: text is trimmed, must not
 * be empty (unless optional) and must fit its limit; choices must be one of the offered values.
 * Failures are AppError INVALID_INPUT with the field and the reason, so the toast can say which.
 */
import { AppError } from '../shared/errors.ts';

export const TEXT_LIMITS = {
  /** a reply or question to the customer, or an internal note */
  message: 2000,
  /** reasons for a transfer, escalation, extension, rejection or reopening */
  reason: 500,
} as const;

/** docs/domain.md's reasons for not accepting a complaint (不予受理). */
export const REJECT_REASONS = ['no_facts', 'in_court', 'other_authority', 'settled', 'out_of_scope', 'time_limit'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** 0 = the department, 1 = its supervisor, 2 = the general manager (三级处理). */
export const MAX_ESCALATION_TIER = 2;

export type StaffField = 'resolution' | 'message' | 'reason' | 'note' | 'department' | 'category' | 'severity' | 'extension' | 'cause' | 'measure' | 'compensation';

export function requireText(raw: string | undefined, field: StaffField, max: number, opts: { optional?: boolean } = {}): string {
  const text = (raw ?? '').trim();
  if (!text && !opts.optional) throw new AppError('INVALID_INPUT', `${field} is empty`, { field, reason: 'empty' });
  if (text.length > max) throw new AppError('INVALID_INPUT', `${field} is too long`, { field, reason: 'tooLong', length: text.length, max });
  return text;
}

export function requireChoice<T extends string>(raw: string | undefined, field: StaffField, choices: readonly T[]): T {
  const value = (raw ?? '').trim();
  if (!value) throw new AppError('INVALID_INPUT', `${field} not chosen`, { field, reason: 'notChosen' });
  if (!(choices as readonly string[]).includes(value)) throw new AppError('INVALID_INPUT', `${field} ${value} is not offered`, { field, reason: 'unknownOption' });
  return value as T;
}
