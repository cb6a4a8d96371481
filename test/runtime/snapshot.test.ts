/** db:snapshot and db:restore of the embedded database: a round trip, and a refusal while a bot holds the folder. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedEmbeddedDataDir } from '../support/databases.ts';
import { openDatabase, restoreEmbedded, snapshotEmbedded } from '../../src/store/database.ts';

describe('embedded database snapshot', () => {
  it('restores exactly what was snapshotted, keeping the replaced database aside', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'complaint-bot-snapshot-'));
    seedEmbeddedDataDir(root);
    const dir = path.join(root, 'pglite');
    let db = await openDatabase({ dataDir: dir });
    await db.prisma.department.create({ data: { id: 'kept', name: 'Kept', chatId: 'oc_kept' } });
    // a running bot holds the folder: the snapshot is refused, naming the holder
    await expect(snapshotEmbedded(dir, path.join(root, 'refused.tar.gz'))).rejects.toThrow(`is in use by another process (pid ${process.pid})`);
    await db.close();

    const file = path.join(root, 'backups/snap.tar.gz');
    expect(await snapshotEmbedded(dir, file)).toBeGreaterThan(0);
    db = await openDatabase({ dataDir: dir });
    await db.prisma.department.create({ data: { id: 'later', name: 'Later', chatId: 'oc_later' } });
    await db.close();

    const kept = await restoreEmbedded(file, dir);
    expect(kept && existsSync(kept)).toBeTruthy();
    db = await openDatabase({ dataDir: dir });
    try {
      expect((await db.prisma.department.findMany({ orderBy: { id: 'asc' } })).map((d) => d.id)).toEqual(['kept']);
      expect(await db.migrate()).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
