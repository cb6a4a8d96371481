// Generates the Prisma client offline. `prisma generate` itself uses WebAssembly, but it insists on
// finding a schema engine binary it would otherwise download; a stub that is never run satisfies it.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schema = path.join(root, 'prisma/schema.prisma');
const marker = path.join(root, 'src/store/generated/client.ts');
if (process.argv.includes('--if-needed') && existsSync(marker) && statSync(marker).mtimeMs >= statSync(schema).mtimeMs) process.exit(0);
const cli = path.join(root, 'node_modules/prisma/build/index.js');
execFileSync(process.execPath, [cli, 'generate', '--schema', schema], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: path.join(root, 'scripts/no-engine.sh'), PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
});
