import type { WorkflowDefinition } from './workflow-definition.js';

/** A scheduled workflow and its period, as the ingestion path needs it. */
export type WorkflowSchedule = Readonly<{ workflowId: string; everyMs: number }>;

/** The schedules among the definitions. */
export function schedulesOf(definitions: readonly WorkflowDefinition[]): readonly WorkflowSchedule[] {
  return definitions.flatMap((definition) => (definition.schedule ? [{ workflowId: definition.id, everyMs: definition.schedule.everyMs }] : []));
}

/** The distinct periods (their starts, ms) that some of the instants fall in, earliest first. */
export function periodsOf(instants: readonly number[], everyMs: number): number[] {
  return [...new Set(instants.map((at) => Math.floor(at / everyMs) * everyMs))].sort((a, b) => a - b);
}

/** The key that makes one run per workflow and period, however many events of the period arrive or repeat. */
export function scheduledRunKey(workflowId: string, periodStart: number): string {
  return `schedule:${workflowId}:${new Date(periodStart).toISOString()}`;
}
