import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { policyStatuses, type PolicyStatus } from '../../engine/governance/record-states.js';
export { policyStatuses, type PolicyStatus };

/**
 * Versioned policy texts (db/migrations/002_governance.sql). A version's source never
 * changes once written; only its status moves (draft, shadow, active, retired). Partial
 * unique indexes keep at most one active and one shadow version per policy name.
 */


export const policyRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  name: z.string(),
  version: z.number().int().positive(),
  source: z.string(),
  source_sha256: z.string(),
  status: z.enum(policyStatuses),
  builtin: z.boolean(),
  created_by: z.string(),
  created_at: z.date(),
  activated_at: z.date().nullable(),
});
export type PolicyRow = z.infer<typeof policyRow>;

const columns = sql.fragment`id, org_unit_id, name, version, source, source_sha256, status, builtin, created_by, created_at, activated_at`;

/**
 * Inserts version 1 of a built-in policy as active, unless the org unit already has any
 * version of that name (a founder may have replaced or retired it). Null when nothing was inserted.
 */
export async function insertBuiltinPolicy(
  db: CommonQueryMethods,
  args: { orgUnitId: string; name: string; source: string; sha256: string; at: Date },
): Promise<PolicyRow | null> {
  return db.maybeOne(sql.type(policyRow)`
    INSERT INTO policies (org_unit_id, name, version, source, source_sha256, status, builtin, created_by, created_at, activated_at)
    SELECT ${args.orgUnitId}, ${args.name}, 1, ${args.source}, ${args.sha256}, 'active', true, 'system',
           ${sql.timestamp(args.at)}, ${sql.timestamp(args.at)}
     WHERE NOT EXISTS (SELECT 1 FROM policies WHERE org_unit_id = ${args.orgUnitId} AND name = ${args.name})
    ON CONFLICT DO NOTHING
    RETURNING ${columns}`);
}

/**
 * Inserts the next version of a policy as a draft. Null when a concurrent insert took the
 * same version number first; the caller tries again.
 */
export async function insertPolicyVersion(
  db: CommonQueryMethods,
  args: { orgUnitId: string; name: string; source: string; sha256: string; createdBy: string; at: Date },
): Promise<PolicyRow | null> {
  return db.maybeOne(sql.type(policyRow)`
    INSERT INTO policies (org_unit_id, name, version, source, source_sha256, status, builtin, created_by, created_at)
    SELECT ${args.orgUnitId}, ${args.name}, coalesce(max(version), 0) + 1, ${args.source}, ${args.sha256}, 'draft', false,
           ${args.createdBy}, ${sql.timestamp(args.at)}
      FROM policies WHERE org_unit_id = ${args.orgUnitId} AND name = ${args.name}
    ON CONFLICT DO NOTHING
    RETURNING ${columns}`);
}

/** One version, locked until the transaction ends so two status changes take turns. */
export async function lockPolicyVersion(
  tx: CommonQueryMethods,
  args: { orgUnitId: string; name: string; version: number },
): Promise<PolicyRow | null> {
  return tx.maybeOne(sql.type(policyRow)`
    SELECT ${columns} FROM policies
     WHERE org_unit_id = ${args.orgUnitId} AND name = ${args.name} AND version = ${args.version}
       FOR UPDATE`);
}

/** Moves whatever version of the policy holds `status` (other than `exceptVersion`) to retired; returns its version. */
export async function retirePolicyHolding(
  tx: CommonQueryMethods,
  args: { orgUnitId: string; name: string; status: 'active' | 'shadow'; exceptVersion: number },
): Promise<number | null> {
  return tx.maybeOneFirst(sql.type(z.object({ version: z.number().int() }))`
    UPDATE policies SET status = 'retired'
     WHERE org_unit_id = ${args.orgUnitId} AND name = ${args.name} AND status = ${args.status} AND version <> ${args.exceptVersion}
    RETURNING version`);
}

export async function setPolicyStatus(
  tx: CommonQueryMethods,
  args: { id: string; status: PolicyStatus; at: Date },
): Promise<PolicyRow> {
  return tx.one(sql.type(policyRow)`
    UPDATE policies
       SET status = ${args.status},
           activated_at = CASE WHEN ${args.status}::text = 'active' THEN ${sql.timestamp(args.at)} ELSE activated_at END
     WHERE id = ${args.id}
    RETURNING ${columns}`);
}

/** The versions the governor evaluates: every active and shadow version of the org unit. */
export async function loadLivePolicies(db: CommonQueryMethods, orgUnitId: string): Promise<readonly PolicyRow[]> {
  return db.any(sql.type(policyRow)`
    SELECT ${columns} FROM policies
     WHERE org_unit_id = ${orgUnitId} AND status IN ('active', 'shadow')
     ORDER BY name, version`);
}

export async function listPolicies(
  db: CommonQueryMethods,
  args: { orgUnitId: string; name?: string; status?: PolicyStatus },
): Promise<readonly PolicyRow[]> {
  const filters = [sql.fragment`org_unit_id = ${args.orgUnitId}`];
  if (args.name !== undefined) filters.push(sql.fragment`name = ${args.name}`);
  if (args.status !== undefined) filters.push(sql.fragment`status = ${args.status}`);
  return db.any(sql.type(policyRow)`
    SELECT ${columns} FROM policies WHERE ${sql.join(filters, sql.fragment` AND `)}
     ORDER BY name, version DESC`);
}

export async function findPolicyVersion(
  db: CommonQueryMethods,
  args: { orgUnitId: string; name: string; version: number },
): Promise<PolicyRow | null> {
  return db.maybeOne(sql.type(policyRow)`
    SELECT ${columns} FROM policies
     WHERE org_unit_id = ${args.orgUnitId} AND name = ${args.name} AND version = ${args.version}`);
}
