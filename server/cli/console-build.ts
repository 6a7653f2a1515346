import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The console is built by vite into console/build, which the server serves under
 * /ops-console. Start and the browser tests build it only when a source is newer than the
 * build, so a second start costs nothing and an edited page is never served stale.
 */
export const consoleDir = fileURLToPath(new URL('../../console', import.meta.url));
const builtPage = join(consoleDir, 'build', 'index.html');
const sources = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'tsconfig.json'];

function newestChange(path: string): number {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stats.mtimeMs);
}

export function consoleBuildIsStale(): boolean {
  const built = newestChange(builtPage);
  return built === 0 || sources.some((source) => newestChange(join(consoleDir, source)) > built);
}

/** Runs `vite build` in console/ (SvelteKit reads its config from the working directory); throws when it fails. */
export function buildConsole(): void {
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: consoleDir, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`Building the console failed (vite build exited with ${result.status ?? result.signal})`);
}

export function buildConsoleIfStale(): boolean {
  if (!consoleBuildIsStale()) return false;
  buildConsole();
  return true;
}
