import { loadConfig } from '../config/config.js';
import { createCliContext } from './context.js';
import { runCli } from './program.js';

// The CLI's entry: the only place it reads the environment.
const context = createCliContext({
  loadConfig: () => loadConfig(process.env),
  stdout: process.stdout,
  stderr: process.stderr,
});

// exitCode, not exit(): piped output is flushed before the process ends.
process.exitCode = await runCli(process.argv, context);
