import type { Tx } from '../../store/database.ts';

/** Remembers a platform event id; false when it was already seen (a redelivery), so it is handled once. */
export async function recordInboundEvent(tx: Tx, platform: string, eventId: string, at: Date): Promise<boolean> {
  const rows = await tx.$queryRaw<{ eventId: string }[]>`
    INSERT INTO "InboundEvent" ("platform", "eventId", "receivedAt") VALUES (${platform}, ${eventId}, ${at})
    ON CONFLICT DO NOTHING RETURNING "eventId"`;
  return rows.length === 1;
}
