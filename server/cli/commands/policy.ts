import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { PolicyTestReport, SuiteFile, SuiteProblem } from '../../../engine/governance/index.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../context.js';

type TestFlags = { builtins?: boolean; json?: boolean };

export type PolicyTestOutcome = PolicyTestReport & { problems: readonly SuiteProblem[] };

export function registerPolicyCommands(program: Command, context: CliContext): void {
  const policy = program.command('policy').description('work with governance policies (docs/policy-language.md)');
  policy
    .command('test')
    .description('run the policy test cases in a directory: its *.policy files against its *.json cases')
    .argument('<dir>', 'directory holding *.policy files (one policy each) and *.json cases')
    .option('--builtins', 'evaluate against the built-in policies as well as the directory\'s own')
    .option('--json', 'print the report as one JSON document')
    .addHelpText('after', '\nPrints PASS or FAIL per case, then the totals. Exits 1 if any case fails or any file is malformed.')
    .action(async (dir: string, flags: TestFlags, command: Command) => {
      const files = await readSuiteFiles(dir, command);
      // The policy engine (with its expression library) loads only once there are files to test.
      const { formatPolicyTestReport } = await import('../../../engine/governance/index.js');
      const outcome = await runPolicyTestSuite(files, flags.builtins === true);
      if (outcome.totals.total === 0 && outcome.problems.length === 0) {
        command.error(`error: ${dir} holds no test cases (*.json)`, { exitCode: 2 });
      }
      if (flags.json) context.printJson(outcome);
      else {
        context.writeOut(formatPolicyTestReport(outcome));
        for (const problem of outcome.problems) context.print(`PROBLEM ${problem.path}: ${problem.message}`);
      }
      if (!outcome.ok) {
        const failed = [
          ...(outcome.totals.failed > 0 ? [`${outcome.totals.failed} of ${outcome.totals.total} cases failed`] : []),
          ...(outcome.compileErrors.length > 0 ? [`${outcome.compileErrors.length} policies did not compile`] : []),
          ...(outcome.problems.length > 0 ? [`${outcome.problems.length} malformed case files`] : []),
        ];
        throw new CliError(`policy tests failed: ${failed.join(', ')}`);
      }
    });
}

/** The suite's result; `ok` only when every case passed and every file was well formed. */
export async function runPolicyTestSuite(files: readonly SuiteFile[], withBuiltins: boolean): Promise<PolicyTestOutcome> {
  const { builtinPolicies, loadPolicyTestSuite, runPolicyTests } = await import('../../../engine/governance/index.js');
  const suite = loadPolicyTestSuite(files);
  const report = runPolicyTests([...(withBuiltins ? builtinPolicies : []), ...suite.policies], suite.cases);
  return { ...report, ok: report.ok && suite.problems.length === 0, problems: suite.problems };
}

/** The directory's *.policy and *.json files (not its subdirectories), named relative to it. */
async function readSuiteFiles(dir: string, command: Command): Promise<SuiteFile[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') command.error(`error: ${dir} is not a directory`, { exitCode: 2 });
    throw error;
  }
  const names = entries.filter((entry) => entry.isFile() && /\.(policy|json)$/.test(entry.name)).map((entry) => entry.name);
  return Promise.all(names.map(async (name) => ({ path: name, text: await readFile(path.join(dir, name), 'utf8') })));
}
