import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../../db/errors.js';
import { DataDirLockedError } from '../../../db/embedded/data-dir-lock.js';
import { DataDirDamagedError } from '../../../db/embedded/embedded-postgres.js';
import { describeFailure } from '../../../server/cli/failures.js';
import { loadConfig, type Config } from '../../../server/config/config.js';
import { AppError } from '../../../server/errors/catalog.js';
import { runBosInProcess } from '../../support/in-process-cli.js';

/**
 * The command line in process: parsing, help and exit codes, with no database. Nothing
 * here gets as far as opening one: `config()` throws if a command asks for it.
 */
const bos = (args: string[], loadConfigFn?: () => Config) => runBosInProcess(args, loadConfigFn);

describe('bos command line', () => {
  it.each([[[]], [['start']], [['migrate']], [['seed']], [['token']], [['token', 'create']]])('prints help for %j', async (command) => {
    const run = await bos([...command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: bos${command.map((word) => ` ${word}`).join('')} `);
    expect(run.stderr).toBe('');
  });

  it('lists every command in the top-level help', async () => {
    const run = await bos(['help']);
    expect(run.code).toBe(0);
    for (const command of ['start', 'migrate', 'seed', 'token']) expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('shows the help on stderr with exit 2 when no command is given', async () => {
    const run = await bos([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: bos');
  });

  it.each([
    [['token', 'create', '--org', 'lsn_main', '--name', 'x', '--role', 'king'], "option '--role <role>' argument 'king' is invalid"],
    [['token', 'create', '--org', 'lsn_main', '--name', 'x', '--role', 'viewer', '--expires-in-days', '0'], "option '--expires-in-days <days>' argument '0' is invalid"],
    [['token', 'create', '--org', 'lsn_main', '--name', 'x', '--role', 'viewer', '--expires-in-days', '2.5'], "'--expires-in-days <days>' argument '2.5'"],
    [['token', 'create', '--role', 'viewer', '--name', 'x'], "required option '--org <id>' not specified"],
    [['token', 'create', '--org', 'lsn_main', '--role', 'viewer', '--name', '  '], "option '--name <name>' argument '  ' is invalid"],
    [['seed', '--org', 'Not An Id'], "option '--org <id>' argument 'Not An Id' is invalid"],
    [['seed', '--products', 'many'], "option '--products <n>' argument 'many' is invalid"],
    [['seed', '--seed', '-3'], "'--seed <n>'"],
    [['migrate', '--frobnicate'], "unknown option '--frobnicate'"],
    [['migrate', 'extra'], 'too many arguments'],
    [['mirgate'], 'Did you mean migrate?'],
  ])('exits 2 for %j, saying what is wrong', async (args, message) => {
    const run = await bos(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });

  it('exits 2 naming the variable when the environment is bad', async () => {
    const run = await bos(['migrate'], () => loadConfig({ PORT: 'abc', TRUST_PROXY: 'maybe' }));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/PORT: must be a number/);
    expect(run.stderr).toMatch(/TRUST_PROXY: must be true or false/);
  });
});

describe('describeFailure', () => {
  const holder = { pid: 4242, host: 'box', startedAt: '2026-01-01T00:00:00.000Z' };

  it.each([
    ['a locked data directory', new DataDirLockedError('/srv/data', holder), /in use by process 4242 on box/],
    ['a damaged data directory', new DataDirDamagedError('/srv/data', 'PG_VERSION is missing'), /half-initialised \(PG_VERSION is missing\)/],
    ['a refused request', new AppError('CONFLICT', 'ci-bot already exists with the operator role'), /ci-bot already exists/],
    ['a database error', new DatabaseError('DB_CHECK_VIOLATION', 'new row violates check constraint', {}), /database error \(DB_CHECK_VIOLATION\)/],
    ['a port in use', Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:3000'), { code: 'EADDRINUSE', syscall: 'listen' }), /cannot listen .*EADDRINUSE.*set PORT/],
    ['an unreachable database', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), /cannot reach the database/],
  ])('reports %s with exit 1 and no stack trace', (_what, error, message) => {
    const failure = describeFailure(error);
    expect(failure.exitCode).toBe(1);
    expect(failure.message).toMatch(message);
    expect(failure.message).not.toMatch(/^\s+at /m);
  });

  it('keeps the stack trace of an unexpected error, which is a bug to report', () => {
    const failure = describeFailure(new TypeError('x is not a function'));
    expect(failure.exitCode).toBe(1);
    expect(failure.message).toMatch(/unexpected failure\nTypeError: x is not a function\n\s+at /);
  });
});
