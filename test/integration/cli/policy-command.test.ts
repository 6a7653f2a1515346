import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBosInProcess } from '../../support/in-process-cli.js';
import { runCli as spawnCli, stackTraceLine } from './cli-process.js';

/** `bos policy test`, in process (every flag and failure) and once as a real process (exit codes). */
// policy test must not need the configuration: reading it fails the run.
const bos = (args: string[]) => runBosInProcess(args);

const fixtures = path.resolve(import.meta.dirname, '../../fixtures/policies');
let tempDir: string;
beforeAll(() => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bos-policy-'));
});
afterAll(() => {
  fs.rmSync(tempDir, { recursive: true, force: true });
});

function suiteDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tempDir, 'suite-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('bos policy test', () => {
  it('prints PASS per case and the totals, and exits 0 when all pass', async () => {
    const run = await bos(['policy', 'test', path.join(fixtures, 'sample')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^PASS agent moves a price by 10%: allowed$/m);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('9 passed, 0 failed, 9 total');
  });

  it('evaluates the built-ins with --builtins', async () => {
    const withBuiltins = await bos(['policy', 'test', path.join(fixtures, 'builtin'), '--builtins']);
    expect(withBuiltins.code, withBuiltins.stdout).toBe(0);
    expect(withBuiltins.stdout).toMatch(/\d+ passed, 0 failed/);
    const without = await bos(['policy', 'test', path.join(fixtures, 'builtin')]);
    expect(without.code).toBe(1);
    expect(without.stdout).toMatch(/^FAIL /m);
    expect(without.stderr).toMatch(/^error: policy tests failed: \d+ of \d+ cases failed$/m);
  });

  it('reports a policy that does not compile with its line and column, and exits 1', async () => {
    const run = await bos(['policy', 'test', path.join(fixtures, 'invalid')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('ERROR unsafe.policy: line 3, column 27');
    expect(run.stdout).toContain('FAIL never runs: the policy does not compile');
    expect(run.stderr).toContain('1 policies did not compile');
    expect(run.stderr).not.toMatch(stackTraceLine);
  });

  it('prints one JSON document with --json, still exiting 1 on a failure', async () => {
    const passing = await bos(['policy', 'test', path.join(fixtures, 'sample'), '--json']);
    expect(passing.code).toBe(0);
    expect(JSON.parse(passing.stdout)).toMatchObject({ ok: true, totals: { total: 9, passed: 9, failed: 0 }, compileErrors: [], problems: [] });
    const failing = await bos(['policy', 'test', path.join(fixtures, 'invalid'), '--json']);
    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.stdout)).toMatchObject({ ok: false, compileErrors: [{ name: 'unsafe.policy', line: 3, column: 27 }] });
  });

  it('names a malformed case file and fails, while running the good ones', async () => {
    const dir = suiteDir({
      'floor.policy': 'policy floor\n  on pricing.set_price\n  deny when projected.marginPercent < 0.15 because "too low"\n',
      'good.json': JSON.stringify({ name: 'low margin denied', action: { tool: 'pricing.set_price', projected: { marginPercent: 0.1 } }, expect: 'deny' }),
      'typo.json': JSON.stringify({ name: 'typo', action: { tool: 'pricing.set_price', contxt: {} }, expect: 'deny' }),
      'notes.txt': 'ignored',
    });
    const run = await bos(['policy', 'test', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('PASS low margin denied');
    expect(run.stdout).toMatch(/^PROBLEM typo\.json: typo: action has unknown field contxt$/m);
    expect(run.stderr).toContain('1 malformed case files');
  });

  it('exits 2 for a directory that does not exist or holds no cases', async () => {
    const missing = await bos(['policy', 'test', path.join(tempDir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('is not a directory');
    const empty = await bos(['policy', 'test', suiteDir({ 'only.policy': 'policy x\n  on *\n  allow when true because "y"\n' })]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('holds no test cases');
    const noArgument = await bos(['policy', 'test']);
    expect(noArgument.code).toBe(2);
    expect(noArgument.stderr).toContain("missing required argument 'dir'");
  });

  it('exits 0 and 1 from a real process', { timeout: 60_000 }, async () => {
    const [passing, failing] = await Promise.all([
      spawnCli(['policy', 'test', path.join(fixtures, 'sample')]),
      spawnCli(['policy', 'test', path.join(fixtures, 'invalid')]),
    ]);
    expect(passing.code, passing.stderr).toBe(0);
    expect(passing.stdout).toContain('9 passed, 0 failed, 9 total');
    expect(failing.code).toBe(1);
    expect(failing.stderr).not.toMatch(stackTraceLine);
  });
});
