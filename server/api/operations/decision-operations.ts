import { z } from 'zod';
import { actingRoles, readerRoles } from '../../../engine/kernel/index.js';
import { decisionDto, listDecisionsInput, makeDecisionInput, recordOutcomeInput } from '../../contracts/decisions.js';
import type { DecisionService } from '../../decisions/decision-service.js';
import { actorFromPrincipal } from '../../governance/actor-from-principal.js';
import { defineOperation } from '../operation.js';

export function decisionOperations(deps: { decisions: DecisionService }) {
  const { decisions } = deps;
  return {
    makeDecision: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/decisions',
      summary: 'Choose an option for a decision type in a context, forecast it, and act on it through the tool router (or log it in shadow)',
      tags: ['decisions'],
      access: actingRoles,
      input: makeDecisionInput,
      output: decisionDto,
      handle: (principal, input) => decisions.makeDecision(actorFromPrincipal(principal), input),
    }),
    recordDecisionOutcome: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/decisions/:decisionId/outcome',
      summary: "Record what a decision earned: the reward (net of the action's cost) teaches its arm, once",
      tags: ['decisions'],
      access: actingRoles,
      input: recordOutcomeInput,
      output: decisionDto,
      handle: (principal, input) => decisions.recordOutcome(actorFromPrincipal(principal), input),
    }),
    listDecisions: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/decisions',
      summary: 'Decisions, newest first, with the option chosen, its propensity, forecast, verdict, status and outcome',
      tags: ['decisions'],
      access: readerRoles,
      input: listDecisionsInput,
      output: z.object({ items: z.array(decisionDto) }),
      handle: async (_principal, { orgUnitId, decisionType, status, before, limit }) => ({
        items: await decisions.list(orgUnitId, { decisionType, status, before: before === undefined ? undefined : new Date(before), limit }),
      }),
    }),
  };
}
