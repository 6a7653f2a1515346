import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** Agents (db/migrations/001_kernel.sql): what the tool router reads to scope an agent's tools. */

export const agentToolsRow = z.object({
  id: z.string().uuid(),
  status: z.enum(['active', 'paused', 'retired']),
  allowed_tools: z.array(z.string()),
});
export type AgentToolsRow = z.infer<typeof agentToolsRow>;

export async function findAgentTools(db: CommonQueryMethods, args: { orgUnitId: string; principalId: string }): Promise<AgentToolsRow | null> {
  return db.maybeOne(sql.type(agentToolsRow)`
    SELECT id, status, allowed_tools FROM agents WHERE org_unit_id = ${args.orgUnitId} AND principal_id = ${args.principalId}`);
}
