import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The CLI as a child process, the way an operator runs it. Nothing here sleeps: callers
 * wait for an output line or the exit, each with a deadline.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const entry = path.join(root, 'server/cli/main.ts');

/** Every variable loadConfig reads: a child sees only the ones a test sets. */
const configVariables = [
  'NODE_ENV', 'HOST', 'PORT', 'DATABASE_URL', 'BOS_DATA_DIR', 'DATABASE_POOL_SIZE', 'LOG_LEVEL',
  'RATE_LIMIT_PER_MINUTE', 'SHUTDOWN_GRACE_MS', 'TRUST_PROXY', 'BOS_PUBLIC_ORIGIN', 'BOS_WORKFLOW_MODULES',
  'WORKFLOW_LEASE_MS', 'WORKFLOW_CONCURRENCY',
];

export type CliEnv = Record<string, string>;

export type CliRun = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

export type CliProcess = {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout or stderr line matching, or rejects at the deadline or exit. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  readonly exited: Promise<CliRun>;
};

const running = new Set<ChildProcess>();

function childEnv(env: CliEnv): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of configVariables) delete base[name];
  return { ...base, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env };
}

export function startCli(args: readonly string[], env: CliEnv = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: root,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not spawn the CLI for ${args.join(' ')}`);
  running.add(child);
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const onData = () => {
    for (const check of waiters) check();
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    onData();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    onData();
  });
  const exited = new Promise<CliRun>((resolve) => {
    child.once('close', (code, signal) => {
      running.delete(child);
      onData();
      resolve({ code, signal, stdout, stderr });
    });
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    onData();
  });

  const waitForLine = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        outcome();
      };
      const check = () => {
        const line = `${stdout}\n${stderr}`.split('\n').find((candidate) => pattern.test(candidate));
        const match = line === undefined ? null : pattern.exec(line);
        if (match) finish(() => resolve(match));
        else if (hasExited) finish(() => reject(new Error(`the CLI exited before printing ${pattern}\nstdout: ${stdout}\nstderr: ${stderr}`)));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`))),
        timeoutMs,
      );
      waiters.add(check);
      check();
    });

  return { child, pid: child.pid, stdout: () => stdout, stderr: () => stderr, waitForLine, exited };
}

/** Runs one command to its end, failing the test if it takes longer than the deadline. */
export async function runCli(args: readonly string[], env: CliEnv = {}, timeoutMs = 30_000): Promise<CliRun> {
  const cli = startCli(args, env);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      cli.child.kill('SIGKILL');
      reject(new Error(`bos ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout: ${cli.stdout()}\nstderr: ${cli.stderr()}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([cli.exited, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** For afterAll: no child outlives its test file. */
export function killLeftoverCliProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** A stack trace line, which expected failures must never print. */
export const stackTraceLine = /^\s+at .+\(?.*:\d+:\d+\)?$/m;
