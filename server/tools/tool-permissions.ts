import type { CommonQueryMethods } from 'slonik';
import { findAgentTools } from '../../db/queries/agents.js';
import type { Actor } from '../../engine/governance/index.js';
import type { ToolSpec } from '../../engine/tools/index.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `ledger.transfer`, `ledger.*` or `*`, as in policy patterns. */
function grantCovers(grant: string, tool: string): boolean {
  if (grant === '*' || grant === tool) return true;
  return grant.endsWith('.*') && tool.startsWith(grant.slice(0, -1));
}

/**
 * Why the actor may not use the tool, or undefined. The spec's roles come first; an agent
 * that has an `agents` row is further limited to that row's `allowed_tools` while it is
 * active. An agent principal without a row (a bare API token) has only its role's reach.
 */
export async function permissionProblem(db: CommonQueryMethods, orgUnitId: string, actor: Actor, spec: ToolSpec): Promise<string | undefined> {
  if (!spec.allowedRoles.includes(actor.role)) {
    return `${actor.kind} ${actor.id} (role ${actor.role}) may not use ${spec.name}; it is open to ${spec.allowedRoles.join(', ')}`;
  }
  if (actor.kind !== 'agent' || !uuidPattern.test(actor.id)) return undefined;
  const agent = await findAgentTools(db, { orgUnitId, principalId: actor.id });
  if (!agent) return undefined;
  if (agent.status !== 'active') return `agent ${actor.id} is ${agent.status}; it may not use tools`;
  if (!agent.allowed_tools.some((grant) => grantCovers(grant, spec.name))) {
    return `agent ${actor.id} may not use ${spec.name}; its allowed tools are ${agent.allowed_tools.join(', ') || 'none'}`;
  }
  return undefined;
}
