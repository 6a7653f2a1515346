import type { CommonQueryMethods } from 'slonik';
import { findRun, readJournal } from '../../db/queries/workflow-runs.js';
import { replayJournal, type JournalEntry, type ReplayReport, type WorkflowCatalog } from '../../engine/workflows/index.js';
import { AppError, notFound } from '../errors/catalog.js';

export type RunReplay = ReplayReport & Readonly<{ runId: string }>;

/** Replays a stored run against the definition version it recorded (API and `bos replay`). */
export async function replayRun(db: CommonQueryMethods, catalog: WorkflowCatalog, orgUnitId: string, runId: string): Promise<RunReplay> {
  const run = await findRun(db, orgUnitId, runId);
  if (!run) throw notFound(`Run ${runId}`);
  const definition = catalog.version(run.workflow_id, run.definition_version);
  if (!definition) {
    throw new AppError('CONFLICT', `Workflow ${run.workflow_id} version ${run.definition_version} is not registered here, so its runs cannot be replayed`);
  }
  const journal = (await readJournal(db, run.id)) as unknown as readonly JournalEntry[];
  return { runId: run.id, ...replayJournal(definition, journal) };
}
