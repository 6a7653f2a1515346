import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DatabasePool } from 'slonik';
import type { WorkflowDefinition } from '../../engine/workflows/index.js';
import type { ToolImplementation } from '../tools/tool-implementation.js';

/**
 * A shop's own workflows and tools, loaded at start from the modules named in
 * BOS_WORKFLOW_MODULES. A module exports `workflowModule`; `prepare` may create the tables
 * its tools write to (it runs once at start, after the migrations).
 */
export type WorkflowModule = Readonly<{
  workflows: readonly WorkflowDefinition[];
  tools?: readonly ToolImplementation[];
  prepare?: (pool: DatabasePool) => Promise<void>;
}>;

export async function loadWorkflowModules(paths: readonly string[]): Promise<readonly WorkflowModule[]> {
  const modules: WorkflowModule[] = [];
  for (const file of paths) {
    const loaded = (await import(pathToFileURL(path.resolve(file)).href)) as { workflowModule?: WorkflowModule };
    if (!loaded.workflowModule || !Array.isArray(loaded.workflowModule.workflows)) {
      throw new Error(`BOS_WORKFLOW_MODULES: ${file} does not export a workflowModule with a workflows list`);
    }
    modules.push(loaded.workflowModule);
  }
  return modules;
}
