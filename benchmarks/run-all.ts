/**
 * `npm run bench`: runs every benchmark script in this folder, one after another (they
 * would skew each other in parallel), passing their JSON lines through. `npm run bench --
 * NAME` runs the ones whose file name contains NAME.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const scripts = fs
  .readdirSync(here)
  .filter((file) => file.endsWith('.ts') && file !== 'run-all.ts')
  .filter((file) => !filter || file.includes(filter))
  .sort();

if (scripts.length === 0) {
  process.stderr.write(`No benchmark matches "${filter}". Available: ${fs.readdirSync(here).filter((f) => f.endsWith('.ts') && f !== 'run-all.ts').join(', ')}\n`);
  process.exit(2);
}

let failed = 0;
for (const script of scripts) {
  process.stderr.write(`bench: ${script}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, script)], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    failed += 1;
    process.stderr.write(`bench: ${script} failed with exit code ${String(result.status)}\n`);
  }
}
process.exit(failed === 0 ? 0 : 1);
