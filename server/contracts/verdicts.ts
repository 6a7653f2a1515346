import { z } from 'zod';

/**
 * A governor's verdict on one action: which invariants refused, which policy rules matched
 * (`{ kind: 'rule', policy, version, rule, effect, message }`) and which rules failed
 * closed. The console shows it beside an approval as "the policy that asked, and why".
 * Browser-safe.
 */
export const verdictDto = z.object({
  id: z.string(),
  tool: z.string(),
  actor: z.string(),
  outcome: z.enum(['allow', 'require_approval', 'deny']),
  failClosed: z.boolean(),
  reasons: z.array(z.record(z.unknown())),
  policyVersions: z.array(z.object({ name: z.string(), version: z.number().int() })),
  createdAt: z.string(),
});
export type VerdictDto = z.infer<typeof verdictDto>;
