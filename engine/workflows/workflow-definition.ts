import type { AnyStateMachine } from 'xstate';
import type { AutonomyLevel } from './autonomy.js';

/**
 * A workflow: a versioned XState machine plus what starts it. A run keeps the version it
 * started with; a changed machine gets a new version and the old one stays registered
 * until its runs finish.
 */
export type WorkflowDefinition = Readonly<{
  /** `wf_` and lowercase: `wf_creator_payout`. */
  id: string;
  version: number;
  name: string;
  description: string;
  /** Business event types that start a run. */
  triggers: readonly string[];
  /**
   * Runs once per period of the shop's own clock (the occurredAt of its events), started in
   * the transaction that stores the first event of the period: a schedule that follows
   * simulated time as well as real time, and survives restarts (see schedule.ts).
   */
  schedule?: Readonly<{ everyMs: number }>;
  /** The tools its steps call: a kill switch scoped to a tool domain pauses the workflows that use it. */
  tools: readonly string[];
  /** The level a new org unit starts at. */
  defaultAutonomy: AutonomyLevel;
  machine: AnyStateMachine;
}>;

const idPattern = /^wf_[a-z0-9_]{1,60}$/;

/** Checks what the durable runtime needs of a machine, so a bad definition fails at load, not mid-run. */
export function defineWorkflow(definition: WorkflowDefinition): WorkflowDefinition {
  if (!idPattern.test(definition.id)) throw new Error(`workflow id ${JSON.stringify(definition.id)} must match ${idPattern.source}`);
  if (!Number.isInteger(definition.version) || definition.version < 1) throw new Error(`workflow ${definition.id}: version must be a positive integer`);
  if (definition.schedule && !(Number.isSafeInteger(definition.schedule.everyMs) && definition.schedule.everyMs >= 60_000)) {
    throw new Error(`workflow ${definition.id}: schedule.everyMs must be a whole number of milliseconds, at least 60000`);
  }
  const unsupported = unsupportedFeatures(definition.machine.config as Record<string, unknown>, definition.machine.id);
  if (unsupported.length > 0) throw new Error(`workflow ${definition.id}: ${unsupported.join('; ')}`);
  return Object.freeze(definition);
}

/** `after` timers and invoked actors do not survive a restore; durable timers and tool effects replace them. */
function unsupportedFeatures(node: Record<string, unknown>, path: string): string[] {
  const found: string[] = [];
  if ('after' in node) found.push(`${path} uses 'after' (use the startTimer effect)`);
  if ('invoke' in node) found.push(`${path} invokes an actor (use the tool effect)`);
  const states = (node.states ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, child] of Object.entries(states)) found.push(...unsupportedFeatures(child, `${path}.${name}`));
  return found;
}

/** Every registered version of every workflow; runs look theirs up by (id, version). */
export type WorkflowCatalog = Readonly<{
  latest(id: string): WorkflowDefinition | undefined;
  version(id: string, version: number): WorkflowDefinition | undefined;
  all(): readonly WorkflowDefinition[];
}>;

export function workflowCatalog(definitions: readonly WorkflowDefinition[]): WorkflowCatalog {
  const byKey = new Map<string, WorkflowDefinition>();
  const latest = new Map<string, WorkflowDefinition>();
  for (const definition of definitions) {
    const key = `${definition.id}@${definition.version}`;
    if (byKey.has(key)) throw new Error(`workflow ${key} is defined twice`);
    byKey.set(key, definition);
    const current = latest.get(definition.id);
    if (!current || current.version < definition.version) latest.set(definition.id, definition);
  }
  return {
    latest: (id) => latest.get(id),
    version: (id, version) => byKey.get(`${id}@${version}`),
    all: () => [...latest.values()],
  };
}
