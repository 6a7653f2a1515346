import { createHash } from 'node:crypto';
import {
  findPolicyVersion,
  insertBuiltinPolicy,
  insertPolicyVersion,
  listPolicies,
  lockPolicyVersion,
  retirePolicyHolding,
  setPolicyStatus,
  type PolicyRow,
  type PolicyStatus,
} from '../../db/queries/policies.js';
import { builtinPolicies, compilePolicy, PolicyParseError, type Action, type Actor } from '../../engine/governance/index.js';
import { AppError, notFound, validationFailed } from '../errors/catalog.js';
import { isoTime, systemActor, type GovernanceDeps } from './governance-deps.js';
import type { GovernorService } from './governor-service.js';
import type { PolicySets } from './policy-sets.js';

export type PolicyVersionView = Readonly<{
  id: string;
  orgUnitId: string;
  name: string;
  version: number;
  status: PolicyStatus;
  builtin: boolean;
  source: string;
  sourceSha256: string;
  createdBy: string;
  createdAt: string;
  activatedAt: string | null;
}>;

export type PolicyStore = {
  /** Installs the built-in policies as active version 1 where the org unit has no policy of that name; idempotent. */
  installBuiltins(orgUnitId: string): Promise<readonly PolicyVersionView[]>;
  /** Compiles first (400 POLICY_INVALID with line and column, nothing written), then stores the next version as a draft. */
  createVersion(orgUnitId: string, name: string, source: string, actor: Actor): Promise<PolicyVersionView>;
  /** Enforces this version; the version active before it is retired. */
  activate(orgUnitId: string, name: string, version: number, actor: Actor): Promise<PolicyVersionView>;
  /** Evaluates this version beside the active one and logs what it would say, without enforcing it. */
  shadow(orgUnitId: string, name: string, version: number, actor: Actor): Promise<PolicyVersionView>;
  retire(orgUnitId: string, name: string, version: number, actor: Actor): Promise<PolicyVersionView>;
  list(orgUnitId: string, filters?: Readonly<{ name?: string; status?: PolicyStatus }>): Promise<readonly PolicyVersionView[]>;
  get(orgUnitId: string, name: string, version: number): Promise<PolicyVersionView>;
};

export type PolicyStoreDeps = GovernanceDeps & Readonly<{ governor: GovernorService; policySets: PolicySets }>;

type StatusChange = 'activate' | 'shadow' | 'retire';

/** The statuses each change may start from; anything else is 409 POLICY_TRANSITION_INVALID. */
const allowedFrom: Record<StatusChange, readonly PolicyStatus[]> = {
  activate: ['draft', 'shadow', 'retired'],
  shadow: ['draft', 'retired'],
  retire: ['draft', 'shadow', 'active'],
};
const targetStatus: Record<StatusChange, PolicyStatus> = { activate: 'active', shadow: 'shadow', retire: 'retired' };

/**
 * Policy versions per org unit. Every change is founder-only: it goes through the governor
 * as `governance.policy.<change>` (the founder_only invariant), so a refusal is a verdict
 * on the record too. Changes commit with their audit entry, then invalidate the compiled
 * sets so the next verdict uses them.
 */
export function createPolicyStore(deps: PolicyStoreDeps): PolicyStore {
  const { pool, audit, clock, governor, policySets } = deps;

  const policyAction = (orgUnitId: string, actor: Actor, change: string, input: Record<string, unknown>): Action => ({
    orgUnitId,
    actor,
    tool: `governance.policy.${change}`,
    input,
    context: {},
    autonomous: actor.kind !== 'user',
  });

  async function changeStatus(orgUnitId: string, name: string, version: number, actor: Actor, change: StatusChange): Promise<PolicyVersionView> {
    const verdict = await governor.authorize(policyAction(orgUnitId, actor, change, { name, version }));
    const at = new Date(clock.now());
    const view = await pool.transaction(async (tx) => {
      const target = await lockPolicyVersion(tx, { orgUnitId, name, version });
      if (!target) throw notFound(`policy ${name} version ${version}`);
      if (!allowedFrom[change].includes(target.status)) {
        throw new AppError('POLICY_TRANSITION_INVALID', `policy ${name} version ${version} is ${target.status}; it cannot be made ${targetStatus[change]}`, {
          from: target.status,
          to: targetStatus[change],
        });
      }
      const replaced = change === 'retire' ? null : await retirePolicyHolding(tx, { orgUnitId, name, status: change === 'activate' ? 'active' : 'shadow', exceptVersion: version });
      const changed = toPolicyView(await setPolicyStatus(tx, { id: target.id, status: targetStatus[change], at }));
      await audit.appendInTransaction(tx, orgUnitId, [
        {
          kind: 'policy.changed',
          actor: actor.id,
          data: { change, name, version, from: target.status, to: changed.status, retiredVersion: replaced, verdictId: verdict.id },
        },
      ]);
      return changed;
    });
    policySets.invalidate(orgUnitId);
    return view;
  }

  return {
    async installBuiltins(orgUnitId) {
      const at = new Date(clock.now());
      const installed = await pool.transaction(async (tx) => {
        const rows: PolicyRow[] = [];
        for (const policy of builtinPolicies) {
          const row = await insertBuiltinPolicy(tx, { orgUnitId, name: policy.name, source: policy.source, sha256: sha256(policy.source), at });
          if (row) rows.push(row);
        }
        await audit.appendInTransaction(
          tx,
          orgUnitId,
          rows.map((row) => ({
            kind: 'policy.changed' as const,
            actor: systemActor.id,
            data: { change: 'install_builtin', name: row.name, version: row.version, to: row.status, sourceSha256: row.source_sha256 },
          })),
        );
        return rows;
      });
      if (installed.length > 0) policySets.invalidate(orgUnitId);
      return installed.map(toPolicyView);
    },

    async createVersion(orgUnitId, name, source, actor) {
      let parsedName: string;
      try {
        // The version is the store's to assign; any number compiles the same text.
        parsedName = compilePolicy(source, { version: 1 }).name;
      } catch (error) {
        if (!(error instanceof PolicyParseError)) throw error;
        throw new AppError('POLICY_INVALID', error.message, {
          line: error.line,
          column: error.column,
          reason: error.reason,
          errors: [{ path: 'source', message: error.message }],
        });
      }
      if (parsedName !== name) throw validationFailed([{ path: 'name', message: `does not match the policy text, which names ${parsedName}` }]);
      const verdict = await governor.authorize(policyAction(orgUnitId, actor, 'create', { name, sourceSha256: sha256(source) }));
      const at = new Date(clock.now());
      return pool.transaction(async (tx) => {
        // Two drafts of one name racing for a number: the loser takes the next one.
        for (let attempt = 0; attempt < 5; attempt += 1) {
          const row = await insertPolicyVersion(tx, { orgUnitId, name, source, sha256: sha256(source), createdBy: actor.id, at });
          if (!row) continue;
          await audit.appendInTransaction(tx, orgUnitId, [
            {
              kind: 'policy.changed',
              actor: actor.id,
              data: { change: 'create', name, version: row.version, to: row.status, sourceSha256: row.source_sha256, verdictId: verdict.id },
            },
          ]);
          return toPolicyView(row);
        }
        throw new AppError('CONFLICT', `policy ${name} is being changed by someone else; try again`);
      });
    },

    activate: (orgUnitId, name, version, actor) => changeStatus(orgUnitId, name, version, actor, 'activate'),
    shadow: (orgUnitId, name, version, actor) => changeStatus(orgUnitId, name, version, actor, 'shadow'),
    retire: (orgUnitId, name, version, actor) => changeStatus(orgUnitId, name, version, actor, 'retire'),

    async list(orgUnitId, filters = {}) {
      return (await listPolicies(pool, { orgUnitId, ...filters })).map(toPolicyView);
    },

    async get(orgUnitId, name, version) {
      const row = await findPolicyVersion(pool, { orgUnitId, name, version });
      if (!row) throw notFound(`policy ${name} version ${version}`);
      return toPolicyView(row);
    },
  };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function toPolicyView(row: PolicyRow): PolicyVersionView {
  return {
    id: row.id,
    orgUnitId: row.org_unit_id,
    name: row.name,
    version: row.version,
    status: row.status,
    builtin: row.builtin,
    source: row.source,
    sourceSha256: row.source_sha256,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    activatedAt: isoTime(row.activated_at),
  };
}
