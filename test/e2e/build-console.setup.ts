import { buildConsoleIfStale } from '../../server/cli/console-build.js';

/** vitest globalSetup of the e2e project: the browser tests run against the built console. */
export default function setup(): void {
  buildConsoleIfStale();
}
