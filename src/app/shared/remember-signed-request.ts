import type { Db } from '../../store/database.ts';
import { recordInboundEvent } from './record-inbound-event.ts';

/** A signed request seen for the first time, again with the same body (a platform retry), or again with another body (forged). */
export type SignedRequestCheck = 'new' | 'retry' | 'forged';

/**
 * Remembers a signed request (its signature parameters as `key`) with its body's hash. Platforms whose
 * signature does not cover the body (WeChat's plain mode) need this: a captured signed URL must not carry
 * another body. Stored in the database, so the check holds across instances.
 */
export async function rememberSignedRequest(db: Db, scope: string, key: string, bodyHash: string, at: Date): Promise<SignedRequestCheck> {
  return db.$transaction(async (tx) => {
    const first = await recordInboundEvent(tx, `${scope}-nonce`, key, at);
    const newBody = await recordInboundEvent(tx, `${scope}-body`, `${key}:${bodyHash}`, at);
    return first ? 'new' : newBody ? 'forged' : 'retry';
  });
}
