import type { DatabasePool } from 'slonik';
import { loadLivePolicies, type PolicyRow } from '../../db/queries/policies.js';
import {
  builtinPolicies,
  compilePolicy,
  createPolicySet,
  parsePolicy,
  toolPatternMatches,
  type CompiledPolicy,
  type PolicySet,
} from '../../engine/governance/index.js';
import type { Clock } from '../../engine/kernel/index.js';
import type { GovernanceLogger } from './governance-deps.js';

/** What the governor evaluates an org unit's actions against. */
export type LoadedPolicies = Readonly<{
  enforced: PolicySet;
  /** The set as it would be with every shadow version in place of its active one; undefined without shadows. */
  shadow: PolicySet | undefined;
}>;

export type PolicySets = {
  /** The org unit's compiled sets, reloaded when older than the TTL or invalidated. */
  get(orgUnitId: string): Promise<LoadedPolicies>;
  /** Called after this process commits a policy change: the next get() reloads. */
  invalidate(orgUnitId: string): void;
};

export type PolicySetsOptions = Readonly<{
  clock: Clock;
  logger: GovernanceLogger;
  /**
   * How long a loaded set is trusted before the database is asked again. Changes made by
   * this process apply at once (invalidate); changes made by another process sharing the
   * database apply within this long.
   */
  ttlMs?: number;
}>;

const requiredPatterns = builtinPolicies.flatMap((policy) => parsePolicy(policy.source).patterns);

/**
 * A tool a built-in policy covers must always have some enforced policy: retiring the
 * margin floor without a replacement makes price changes fail closed, not go unchecked.
 */
export function requiresPolicy(tool: string): boolean {
  return requiredPatterns.some((pattern) => toolPatternMatches(pattern, tool));
}

type Entry = Readonly<{
  /** Identity of the versions loaded: same key, same sets (their tool index stays warm). */
  key: string;
  loaded: LoadedPolicies;
  compiled: ReadonlyMap<string, CompiledPolicy>;
  loadedAt: number;
  generation: number;
}>;

/**
 * Compiled policy sets per org unit. Each stored version is compiled once (by row id, as a
 * version's source never changes) and kept while it is active or in shadow.
 */
export function createPolicySets(pool: DatabasePool, options: PolicySetsOptions): PolicySets {
  const { clock, logger } = options;
  const ttlMs = options.ttlMs ?? 1000;
  const entries = new Map<string, Entry>();
  const generations = new Map<string, number>();
  const loading = new Map<string, { generation: number; promise: Promise<LoadedPolicies> }>();
  const generationOf = (orgUnitId: string) => generations.get(orgUnitId) ?? 0;

  function compileStored(row: PolicyRow): CompiledPolicy {
    try {
      return compilePolicy(row.source, { version: row.version });
    } catch (error) {
      // Stored text compiled when it was written; if it no longer does, deny what it might have covered.
      logger.error({ err: error, orgUnitId: row.org_unit_id, policy: row.name, version: row.version }, 'governance: a stored policy no longer compiles');
      return uncompilablePolicy(row, error);
    }
  }

  async function load(orgUnitId: string, generation: number): Promise<LoadedPolicies> {
    const rows = await loadLivePolicies(pool, orgUnitId);
    const previous = entries.get(orgUnitId);
    const key = rows.map((row) => `${row.id}:${row.status}`).join(',');
    const compiled = new Map<string, CompiledPolicy>();
    for (const row of rows) compiled.set(row.id, previous?.compiled.get(row.id) ?? compileStored(row));
    const loaded = previous?.key === key ? previous.loaded : buildSets(rows, compiled);
    // A load that started before an invalidation may have missed the change: keep it only as a fallback.
    entries.set(orgUnitId, { key, loaded, compiled, loadedAt: clock.now(), generation });
    return loaded;
  }

  return {
    get(orgUnitId) {
      const generation = generationOf(orgUnitId);
      const entry = entries.get(orgUnitId);
      if (entry && entry.generation === generation && clock.now() - entry.loadedAt < ttlMs) return Promise.resolve(entry.loaded);
      const running = loading.get(orgUnitId);
      if (running && running.generation === generation) return running.promise;
      const promise = load(orgUnitId, generation).finally(() => {
        if (loading.get(orgUnitId)?.promise === promise) loading.delete(orgUnitId);
      });
      loading.set(orgUnitId, { generation, promise });
      return promise;
    },
    invalidate(orgUnitId) {
      generations.set(orgUnitId, generationOf(orgUnitId) + 1);
    },
  };
}

function buildSets(rows: readonly PolicyRow[], compiled: ReadonlyMap<string, CompiledPolicy>): LoadedPolicies {
  const pick = (row: PolicyRow) => compiled.get(row.id) as CompiledPolicy;
  const active = rows.filter((row) => row.status === 'active');
  const shadows = rows.filter((row) => row.status === 'shadow');
  const enforced = createPolicySet(active.map(pick));
  if (shadows.length === 0) return { enforced, shadow: undefined };
  const shadowNames = new Set(shadows.map((row) => row.name));
  const shadow = createPolicySet([...active.filter((row) => !shadowNames.has(row.name)), ...shadows].map(pick));
  return { enforced, shadow };
}

/** Stands in for a stored version that fails to compile: every action it could cover fails closed. */
function uncompilablePolicy(row: PolicyRow, error: unknown): CompiledPolicy {
  const reason = `policy ${row.name} version ${row.version} no longer compiles: ${error instanceof Error ? error.message : String(error)}`;
  const match = Object.freeze({ policy: row.name, version: row.version, rule: 1, effect: 'deny' as const, message: reason });
  const test = (): boolean => {
    throw Object.assign(new Error(reason), { code: 'POLICY_UNCOMPILABLE' });
  };
  return Object.freeze({
    name: row.name,
    version: row.version,
    source: row.source,
    patterns: Object.freeze([Object.freeze({ text: '*', domain: null, verb: null })]),
    rules: Object.freeze([Object.freeze({ index: 1, effect: 'deny' as const, message: reason, condition: '(does not compile)', test, match })]),
  });
}
