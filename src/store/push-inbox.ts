/**
 * The durable inbox for pushed messages (InboxPush): a push is kept before the platform is told it
 * arrived, marked handled afterwards, and whatever was kept but never handled (the process died in
 * between) is handed out again. The app's deduplication by event id keeps a replay from acting twice.
 */
import type { Db } from './database.ts';

export class PushInbox<T> {
  constructor(
    private readonly db: Db,
    private readonly platform: string,
  ) {}

  /** Keeps a push (a redelivered one, same key, is kept once). */
  async keep(key: string, payload: T, at: Date): Promise<void> {
    await this.db.$executeRaw`
      INSERT INTO "InboxPush" ("platform", "key", "payload", "receivedAt") VALUES (${this.platform}, ${key}, ${JSON.stringify(payload)}::jsonb, ${at})
      ON CONFLICT DO NOTHING`;
  }

  async done(key: string, at: Date): Promise<void> {
    await this.db.inboxPush.updateMany({ where: { platform: this.platform, key, handledAt: null }, data: { handledAt: at } });
  }

  /** Kept but not handled, received before `before`, oldest first. */
  async unhandled(before: Date, limit = 100): Promise<{ key: string; payload: T }[]> {
    const rows = await this.db.inboxPush.findMany({ where: { platform: this.platform, handledAt: null, receivedAt: { lt: before } }, orderBy: { receivedAt: 'asc' }, take: limit });
    return rows.map((r) => ({ key: r.key, payload: r.payload as unknown as T }));
  }
}

