import type { Command } from 'commander';
import type { CommonQueryMethods } from 'slonik';
import type { WorkflowCatalog } from '../../../engine/workflows/index.js';
import type { RunReplay } from '../../workflows/replay-run.js';
import { CliError } from '../cli-error.js';
import type { CliContext } from '../context.js';
import { withDatabase } from '../database.js';
import { orgUnitId, uuid } from '../options.js';

type ReplayFlags = { org: string; json?: boolean };

export function registerReplayCommand(program: Command, context: CliContext): void {
  program
    .command('replay')
    .description("re-run a workflow run's machine on its journal and report each step and the first divergence")
    .argument('<run>', 'the run id (a UUID)', uuid)
    .requiredOption('--org <id>', 'org unit the run belongs to', orgUnitId)
    .option('--json', 'print the report as one JSON document')
    .addHelpText('after', '\nExits 0 when the run replays clean, 1 at a divergence (the step, what was recorded and what was produced).')
    .action(async (runId: string, flags: ReplayFlags) => {
      const { loadWorkflowCatalog } = await import('../../workflows/workflow-catalog.js');
      const { catalog } = await loadWorkflowCatalog(context.config().workflows.modules);
      await withDatabase(context, (database) => runReplay(context, database.pool, catalog, runId, flags));
    });
}

/** Replays, prints the report, and fails (exit 1) at a divergence. */
export async function runReplay(context: CliContext, pool: CommonQueryMethods, catalog: WorkflowCatalog, runId: string, flags: ReplayFlags): Promise<RunReplay> {
  const { replayRun } = await import('../../workflows/replay-run.js');
  const report = await replayRun(pool, catalog, flags.org, runId);
  if (flags.json) context.printJson(report);
  else printReport(context, report);
  if (report.divergence) throw new CliError(`run ${runId} diverges from its journal at entry #${report.divergence.seq}`);
  return report;
}

function printReport(context: CliContext, report: RunReplay): void {
  context.print(`Run ${report.runId} (${report.workflowId} v${report.version}): ${report.steps.length} steps replayed`);
  for (const step of report.steps) context.print(`  ${step.matches ? 'ok  ' : 'DIFF'} #${step.seq} ${step.input}`);
  if (!report.divergence) {
    context.print('Replays clean: the machine produced every recorded outcome.');
    return;
  }
  context.print(`Diverges at journal entry #${report.divergence.seq} (${report.divergence.input})`);
  context.print(`  recorded: ${JSON.stringify(report.divergence.recorded)}`);
  context.print(`  produced: ${JSON.stringify(report.divergence.produced)}`);
}
