import { Writable } from 'node:stream';
import { createCliContext, type CliContext } from '../../server/cli/context.js';
import { runCli } from '../../server/cli/program.js';
import type { Config } from '../../server/config/config.js';

/** A writable that keeps what it is given, for asserting on output. */
export function textSink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

const noConfig = (): Config => {
  throw new Error('the command read its configuration');
};

/** A CLI context whose output is captured; reading the configuration fails unless given. */
export function capturedCliContext(options: { loadConfig?: () => Config; now?: () => number } = {}): {
  context: CliContext;
  stdout: () => string;
  stderr: () => string;
} {
  const stdout = textSink();
  const stderr = textSink();
  const context = createCliContext({
    loadConfig: options.loadConfig ?? noConfig,
    stdout: stdout.stream,
    stderr: stderr.stream,
    ...(options.now ? { now: options.now } : {}),
  });
  return { context, stdout: () => stdout.text(), stderr: () => stderr.text() };
}

/** Runs `bos ARGS` in process and returns its exit code and output. */
export async function runBosInProcess(args: readonly string[], loadConfig?: () => Config): Promise<{ code: number; stdout: string; stderr: string }> {
  const captured = capturedCliContext(loadConfig ? { loadConfig } : {});
  const code = await runCli(['node', 'bos', ...args], captured.context);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}
