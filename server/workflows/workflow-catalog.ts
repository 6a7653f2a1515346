import { workflowCatalog, type WorkflowCatalog } from '../../engine/workflows/index.js';
import { builtinWorkflows } from '../../machines/workflows/index.js';
import { loadWorkflowModules, type WorkflowModule } from './workflow-modules.js';

/** The built-in workflows and those of the configured modules, with the modules themselves (for their tools). */
export async function loadWorkflowCatalog(modulePaths: readonly string[]): Promise<{ catalog: WorkflowCatalog; modules: readonly WorkflowModule[] }> {
  const modules = await loadWorkflowModules(modulePaths);
  return { catalog: workflowCatalog([...builtinWorkflows, ...modules.flatMap((module) => module.workflows)]), modules };
}
