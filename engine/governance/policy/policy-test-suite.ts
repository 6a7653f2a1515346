import type { Action, Actor, VerdictOutcome } from '../action.js';
import { verdictOutcomes } from '../action.js';
import { roles } from '../../kernel/roles.js';
import type { PolicySource } from './builtin-policies.js';

/** One expectation about one action (docs/policy-language.md, "Testing policies"). */
export type PolicyTestCase = Readonly<{
  name: string;
  action: Action;
  expect: VerdictOutcome;
  /** When given, whether some rule must (true) or must not (false) have failed closed. */
  failClosed?: boolean;
  /** The file the case came from, for reports. */
  file?: string;
}>;

export type SuiteFile = Readonly<{ path: string; text: string }>;
export type SuiteProblem = Readonly<{ path: string; message: string }>;
export type PolicyTestSuite = Readonly<{ policies: readonly PolicySource[]; cases: readonly PolicyTestCase[]; problems: readonly SuiteProblem[] }>;

/**
 * Sorts a test directory's files, already read by the caller (the CLI does the I/O), into
 * policies (`*.policy`) and cases (`*.json`, one case or an array of cases). Other files
 * are ignored. Malformed cases become problems, not exceptions, so one bad file does not
 * hide the others' results.
 */
export function loadPolicyTestSuite(files: readonly SuiteFile[]): PolicyTestSuite {
  const policies: PolicySource[] = [];
  const cases: PolicyTestCase[] = [];
  const problems: SuiteProblem[] = [];
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (file.path.endsWith('.policy')) policies.push({ name: file.path, source: file.text });
    else if (file.path.endsWith('.json')) {
      const parsed = parsePolicyTestCases(file.path, file.text);
      cases.push(...parsed.cases);
      problems.push(...parsed.problems);
    }
  }
  return { policies, cases, problems };
}

export function parsePolicyTestCases(path: string, text: string): { cases: PolicyTestCase[]; problems: SuiteProblem[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { cases: [], problems: [{ path, message: `not JSON: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  const items = Array.isArray(json) ? json : [json];
  const cases: PolicyTestCase[] = [];
  const problems: SuiteProblem[] = [];
  items.forEach((item, i) => {
    const where = Array.isArray(json) ? `${path}[${i}]` : path;
    try {
      cases.push(readCase(item, path));
    } catch (error) {
      problems.push({ path: where, message: error instanceof Error ? error.message : String(error) });
    }
  });
  return { cases, problems };
}

type Json = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function only(object: Json, keys: readonly string[], where: string): void {
  const extra = Object.keys(object).filter((key) => !keys.includes(key));
  if (extra.length > 0) throw new TypeError(`${where} has unknown field${extra.length > 1 ? 's' : ''} ${extra.join(', ')}`);
}

function readCase(raw: unknown, file: string): PolicyTestCase {
  if (!isObject(raw)) throw new TypeError('a case is an object { "name", "action", "expect", "failClosed"? }');
  only(raw, ['name', 'action', 'expect', 'failClosed'], 'the case');
  const { name, expect, failClosed } = raw;
  if (typeof name !== 'string' || name.trim() === '') throw new TypeError('name must be a non-empty string');
  if (!(verdictOutcomes as readonly unknown[]).includes(expect)) throw new TypeError(`${name}: expect must be one of ${verdictOutcomes.join(', ')}`);
  if (failClosed !== undefined && typeof failClosed !== 'boolean') throw new TypeError(`${name}: failClosed must be true or false`);
  const action = readAction(raw.action, name);
  return { name, action, expect: expect as VerdictOutcome, file, ...(failClosed === undefined ? {} : { failClosed }) };
}

/** Defaults keep case files short; docs/policy-language.md lists them. */
const defaultActor: Actor = { id: 'policy-test', kind: 'user', role: 'operator' };

function readAction(raw: unknown, name: string): Action {
  if (!isObject(raw)) throw new TypeError(`${name}: action must be an object`);
  only(raw, ['orgUnitId', 'actor', 'tool', 'input', 'context', 'projected', 'risk', 'autonomous'], `${name}: action`);
  const { tool, orgUnitId = 'policy_test', autonomous = false, input = {}, context = {} } = raw;
  if (typeof tool !== 'string' || tool === '') throw new TypeError(`${name}: action.tool must be a tool name like pricing.set_price`);
  if (typeof orgUnitId !== 'string') throw new TypeError(`${name}: action.orgUnitId must be a string`);
  if (typeof autonomous !== 'boolean') throw new TypeError(`${name}: action.autonomous must be true or false`);
  if (!isObject(input)) throw new TypeError(`${name}: action.input must be an object`);
  if (!isObject(context)) throw new TypeError(`${name}: action.context must be an object`);
  const action: Action = { orgUnitId, actor: readActor(raw.actor, name), tool, input, context, autonomous };
  const projected = readNumbers(raw.projected, `${name}: action.projected`);
  const risk = readNumbers(raw.risk, `${name}: action.risk`);
  return { ...action, ...(projected === undefined ? {} : { projected }), ...(risk === undefined ? {} : { risk }) };
}

function readActor(raw: unknown, name: string): Actor {
  if (raw === undefined) return defaultActor;
  if (!isObject(raw)) throw new TypeError(`${name}: action.actor must be an object`);
  only(raw, ['id', 'kind', 'role'], `${name}: action.actor`);
  const { id, kind, role } = raw;
  if (typeof id !== 'string') throw new TypeError(`${name}: action.actor.id must be a string`);
  if (kind !== 'user' && kind !== 'agent' && kind !== 'system') throw new TypeError(`${name}: action.actor.kind must be user, agent or system`);
  if (role !== 'system' && !(roles as readonly unknown[]).includes(role)) throw new TypeError(`${name}: action.actor.role must be one of ${roles.join(', ')}, system`);
  return { id, kind, role: role as Actor['role'] };
}

function readNumbers(raw: unknown, where: string): Record<string, number> | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) throw new TypeError(`${where} must be an object of numbers`);
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'number') throw new TypeError(`${where}.${key} must be a number`);
  }
  return raw as Record<string, number>;
}
