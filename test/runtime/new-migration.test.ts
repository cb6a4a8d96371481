/** `npm run db:new-migration` writes a migration only when prisma/schema.prisma differs from the migrations. */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('db:new-migration', () => {
  it('with the schema matching the migrations, says so and writes nothing', () => {
    const before = readdirSync(path.join(ROOT, 'prisma/migrations'));
    const out = execFileSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/create-migration.ts', 'nothing_changed'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toContain('nothing to write');
    expect(readdirSync(path.join(ROOT, 'prisma/migrations'))).toEqual(before);
  });
});
