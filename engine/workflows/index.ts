export { autonomyLevels, gateFor, parseAutonomyLevel, type AutonomyLevel, type Gate, type GateDecision, type GateInput } from './autonomy.js';
export * from './effects.js';
export * from './journal.js';
export * from './machine-step.js';
export * from './replay.js';
export * from './workflow-definition.js';
export * from './schedule.js';
