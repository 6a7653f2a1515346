import { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { actingRoles, readerRoles } from '../../../engine/kernel/index.js';
import { proposeAction } from '../../agents/propose-action.js';
import { orgUnitIdSchema } from '../../contracts/common.js';
import { writeOutcomeDto } from '../../contracts/ledger.js';
import { callToolInput, toolSpecDto } from '../../contracts/tools.js';
import { actorFromPrincipal } from '../../governance/actor-from-principal.js';
import type { ToolRouter } from '../../tools/tool-implementation.js';
import { writeOutcome, writeStatus, type WriteOutcome } from '../tool-outcome.js';
import { defineOperation } from '../operation.js';

const org = { orgUnitId: orgUnitIdSchema };

export function toolOperations(deps: { tools: ToolRouter }) {
  const { tools } = deps;
  return {
    listTools: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/tools',
      summary: 'Every tool: what it does, effect class, risk, who may call it, its input schema',
      tags: ['tools'],
      access: readerRoles,
      input: z.object(org).strict(),
      output: z.object({ items: z.array(toolSpecDto) }),
      handle: () =>
        Promise.resolve({
          items: tools.specs().map((spec) => ({
            name: spec.name,
            description: spec.description,
            effect: spec.effect,
            risk: spec.risk,
            allowedRoles: [...spec.allowedRoles],
            timeoutMs: spec.timeoutMs,
            idempotency: spec.idempotency,
            input: zodToJsonSchema(spec.input, { target: 'openApi3', $refStrategy: 'none' }),
          })),
        }),
    }),
    callTool: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/tools/:tool/calls',
      summary: 'Propose one action through the tool router: judged, gated, executed once per idempotency key (202 while it waits for a person)',
      tags: ['tools'],
      // The router, not the route, says which tools each role may use.
      access: actingRoles,
      input: z.object({ ...org, ...callToolInput }).strict(),
      output: writeOutcomeDto(z.unknown()),
      statusFor: (outcome: WriteOutcome<unknown>) => writeStatus(outcome, false),
      async handle(principal, { orgUnitId, tool, input, idempotencyKey, mode, context }) {
        const { result } = await proposeAction(tools, {
          orgUnitId,
          tool,
          input,
          actor: actorFromPrincipal(principal),
          mode: mode ?? 'execute',
          idempotencyKey,
          ...(context ? { context } : {}),
        });
        return writeOutcome(result, (output) => output);
      },
    }),
  };
}
