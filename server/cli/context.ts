import type { Config } from '../config/config.js';

/**
 * What a command may touch. Results go to stdout, progress to stderr, so
 * `bos seed --json | jq` sees exactly one JSON document.
 */
export type CliContext = Readonly<{
  /** Parsed on first use, so `--help` and flag errors work whatever the environment holds. */
  config(): Config;
  /** Writes a line of result to stdout. */
  print(line: string): void;
  /** Writes a result as the one JSON document on stdout. */
  printJson(value: unknown): void;
  /** Writes a line of progress to stderr. */
  progress(line: string): void;
  /** Raw writers for commander's help and error text. */
  writeOut(text: string): void;
  writeErr(text: string): void;
  /** True when progress goes to a terminal, so a bar can redraw in place. */
  progressIsTerminal: boolean;
  now(): number;
}>;

export function createCliContext(deps: {
  loadConfig: () => Config;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  now?: () => number;
}): CliContext {
  let config: Config | undefined;
  return {
    config: () => (config ??= deps.loadConfig()),
    print: (line) => deps.stdout.write(`${line}\n`),
    printJson: (value) => deps.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    progress: (line) => deps.stderr.write(`${line}\n`),
    writeOut: (text) => deps.stdout.write(text),
    writeErr: (text) => deps.stderr.write(text),
    progressIsTerminal: (deps.stderr as { isTTY?: boolean }).isTTY === true,
    now: deps.now ?? Date.now,
  };
}
