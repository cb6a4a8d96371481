/**
 * The value every card button carries, and its zod schema. A click whose value fails the schema
 * (forged, from an old card version, malformed) is refused with a toast and changes nothing.
 */
import { z } from 'zod';

export const CARD_VALUE_VERSION = 1;

export const cardActionValueSchema = z
  .object({
    v: z.literal(CARD_VALUE_VERSION),
    a: z.enum(['accept', 'resolve']),
    c: z.number().int().positive(),
  })
  .strict();

export type CardActionValue = z.infer<typeof cardActionValueSchema>;

/** Form field names inside the card's forms. */
export const FORM_FIELDS = { resolution: 'resolution' } as const;

export function cardValue(action: CardActionValue['a'], complaintId: number): CardActionValue {
  return { v: CARD_VALUE_VERSION, a: action, c: complaintId };
}
