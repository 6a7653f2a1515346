import type { DatabasePool } from 'slonik';
import { z } from 'zod';
import { readerRoles } from '../../../engine/kernel/index.js';
import { findVerdict } from '../../../db/queries/verdicts.js';
import { orgUnitIdSchema } from '../../contracts/common.js';
import { verdictDto, type VerdictDto } from '../../contracts/verdicts.js';
import { notFound } from '../../errors/catalog.js';
import type { GovernanceServices } from '../../governance/governance-services.js';
import { defineOperation } from '../operation.js';

export function verdictOperations(deps: { pool: DatabasePool; governance: GovernanceServices }) {
  return {
    getVerdict: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/verdicts/:verdictId',
      summary: "One governor verdict: the invariants that refused, the policy rules that matched and why",
      tags: ['policies'],
      access: readerRoles,
      input: z.object({ orgUnitId: orgUnitIdSchema, verdictId: z.string().uuid('must be a UUID') }).strict(),
      output: verdictDto,
      async handle(_principal, { orgUnitId, verdictId }): Promise<VerdictDto> {
        // Verdicts are written in batches: one just given may still be on its way to the table.
        await deps.governance.governor.flush();
        const row = await findVerdict(deps.pool, { orgUnitId, id: verdictId });
        if (!row) throw notFound(`Verdict ${verdictId}`);
        return {
          id: row.id,
          tool: row.tool,
          actor: row.actor,
          outcome: row.outcome,
          failClosed: row.fail_closed,
          reasons: row.reasons,
          policyVersions: row.policy_versions,
          createdAt: row.created_at.toISOString(),
        };
      },
    }),
  };
}
