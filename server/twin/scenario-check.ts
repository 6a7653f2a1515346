import { scenarioProblems, type Scenario, type ShopState } from '../../engine/twin/index.js';
import { validationFailed } from '../errors/catalog.js';
import { fieldPath } from '../errors/problem.js';

/**
 * Refuses a scenario that does not fit the shop (an unknown product, a stream outside the
 * simulated days, …) before anything is written, naming each field under `root` (for the
 * API `body.scenario`, for in-process callers `scenario`).
 */
export function checkScenarioFits(scenario: Scenario, state: ShopState, root: string, strip: readonly string[] = []): void {
  const problems = scenarioProblems(scenario, state);
  // A sweep's scenarios are bare changes: their paths start below `changes`.
  const relative = (path: readonly (string | number)[]) => (strip.length > 0 && strip.every((key, i) => path[i] === key) ? path.slice(strip.length) : path);
  if (problems.length > 0) throw validationFailed(problems.map((problem) => ({ path: fieldPath(root, relative(problem.path)), message: problem.message })));
}
