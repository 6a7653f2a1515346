import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Action } from '../../../../engine/governance/action.js';
import type { SuiteFile } from '../../../../engine/governance/policy/index.js';
import { parsePolicy, PolicyParseError } from '../../../../engine/governance/policy/index.js';

export const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/policies');

/** What the CLI will do: read a directory, hand the engine strings. */
export function readSuiteFiles(dir: string): SuiteFile[] {
  return fs.readdirSync(dir).map((name) => ({ path: name, text: fs.readFileSync(path.join(dir, name), 'utf8') }));
}

export function action(overrides: Partial<Action> & Pick<Action, 'tool'>): Action {
  return { orgUnitId: 'lsn_main', actor: { id: 'agent_1', kind: 'agent', role: 'agent' }, input: {}, context: {}, autonomous: true, ...overrides };
}

/** A policy around one condition, so positions are easy to state: it starts at line 3, column 13. */
export function withCondition(condition: string): string {
  return `policy probe\n  on pricing.set_price\n  deny when ${condition}\n  because "probe"\n`;
}

export function parseError(text: string): PolicyParseError {
  try {
    parsePolicy(text);
  } catch (error) {
    if (error instanceof PolicyParseError) return error;
    throw error;
  }
  throw new Error(`expected the policy to be rejected:\n${text}`);
}
