// `npm run build`: generates the Prisma client if the schema changed, then compiles the product with tsc
// (tsconfig.build.json) into a fresh dist/ that keeps the folder layout (dist/src, dist/adapters, …).
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (args) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
run([path.join(root, 'scripts/prisma-generate.mjs'), '--if-needed']);
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
run([createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')]);
writeFileSync(path.join(root, 'dist/.build-stamp'), `${new Date().toISOString()}\n`);
