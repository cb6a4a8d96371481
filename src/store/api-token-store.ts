/**
 * Platform access tokens kept in the database, so every instance uses the same one: WeChat invalidates
 * the previous token a few minutes after a new one is fetched, so instances that each fetched their own
 * would keep knocking each other's out (and spend the daily quota of token fetches).
 */
import type { Db } from './database.ts';

export interface StoredToken {
  token: string;
  expiresAt: Date;
}

export class ApiTokenStore {
  /**
   * `lockAcrossInstances`: take a row lock while fetching (PostgreSQL, several instances). The embedded
   * PGlite serves one process, where a lock held during an HTTP call would only stall other queries.
   */
  constructor(
    private readonly db: Db,
    private readonly lockAcrossInstances: boolean,
  ) {}

  async get(key: string): Promise<StoredToken | null> {
    const row = await this.db.apiToken.findUnique({ where: { key } });
    return row ? { token: row.token, expiresAt: row.expiresAt } : null;
  }

  /**
   * Runs `fetch` under a row lock unless another instance already replaced the token: `isUsable` decides
   * whether the stored token (if any) is good enough. Returns the token to use.
   */
  async refresh(key: string, isUsable: (stored: StoredToken | null) => boolean, fetch: () => Promise<StoredToken>, now: Date): Promise<StoredToken> {
    if (!this.lockAcrossInstances) {
      const stored = await this.get(key);
      if (stored && isUsable(stored)) return stored;
      const fresh = await fetch();
      await this.db.apiToken.upsert({ where: { key }, create: { key, ...fresh, updatedAt: now }, update: { ...fresh, updatedAt: now } });
      return fresh;
    }
    return this.db.$transaction(
      async (tx) => {
        await tx.$executeRaw`INSERT INTO "ApiToken" ("key", "token", "expiresAt", "updatedAt") VALUES (${key}, '', ${new Date(0)}, ${now}) ON CONFLICT DO NOTHING`;
        const rows = await tx.$queryRaw<{ token: string; expiresAt: Date }[]>`SELECT "token", "expiresAt" FROM "ApiToken" WHERE "key" = ${key} FOR UPDATE`;
        const row = rows[0];
        const stored = row && row.token ? { token: row.token, expiresAt: new Date(row.expiresAt) } : null;
        if (isUsable(stored)) return stored!;
        const fresh = await fetch();
        await tx.apiToken.update({ where: { key }, data: { token: fresh.token, expiresAt: fresh.expiresAt, updatedAt: now } });
        return fresh;
      },
      { timeout: 20_000, maxWait: 20_000 },
    );
  }
}
