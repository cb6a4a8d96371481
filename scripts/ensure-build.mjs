// `npm start` (and the db:* scripts) run the compiled code in dist/. This builds it first when dist/ is
// missing or older than any source, so `npm install && npm start` works on a fresh clone and after a
// `git pull`. Plain JavaScript: it must run before anything is compiled.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist/.build-stamp');
const SOURCES = ['src', 'adapters', 'cards', 'scripts', 'prisma/schema.prisma', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

/** The newest modification time under `p` (a file or a folder), in ms. */
function newest(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let max = 0;
  for (const entry of readdirSync(p, { withFileTypes: true })) {
    if (entry.name === 'generated' || entry.name === 'node_modules') continue; // generated from the schema, which is checked
    max = Math.max(max, newest(path.join(p, entry.name)));
  }
  return max;
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const sources = Math.max(...SOURCES.map((s) => newest(path.join(root, s))));
if (built && built >= sources && existsSync(path.join(root, 'dist/src/main.js'))) process.exit(0);

console.error(built ? 'complaint-bot: sources changed since the last build; building…' : 'complaint-bot: no build yet; building (once)…');
try {
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
} catch {
  console.error('complaint-bot: the build failed (see above); nothing was started.');
  process.exit(1);
}
