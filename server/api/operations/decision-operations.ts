import { z } from 'zod';
import { actingRoles, founderOnly, operatorRoles, readerRoles } from '../../../engine/kernel/index.js';
import {
  decisionDto,
  decisionPolicyDto,
  listDecisionsInput,
  listPoliciesInput,
  makeDecisionInput,
  policyReportDto,
  policyReportInput,
  promotePolicyInput,
  recordOutcomeInput,
  startShadowPolicyInput,
} from '../../contracts/decisions.js';
import type { DecisionService } from '../../decisions/decision-service.js';
import type { PolicyService } from '../../decisions/policy-service.js';
import { actorFromPrincipal } from '../../governance/actor-from-principal.js';
import { defineOperation } from '../operation.js';

export function decisionOperations(deps: { decisions: DecisionService; policies: PolicyService }) {
  const { decisions, policies } = deps;
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
    getPolicyReport: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/decision-policies/report',
      summary: 'Off-policy evaluation of a candidate algorithm from the logged decisions: IPS, SNIPS and doubly robust with 95 % intervals, against what was logged',
      tags: ['decisions'],
      access: readerRoles,
      input: policyReportInput,
      output: policyReportDto,
      handle: (_principal, { orgUnitId, decisionType, candidate }) => policies.report(orgUnitId, decisionType, candidate),
    }),
    listDecisionPolicies: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/decision-policies',
      summary: 'Candidate decision policies, newest first: in shadow, promoted (the live one), stopped',
      tags: ['decisions'],
      access: readerRoles,
      input: listPoliciesInput,
      output: z.object({ items: z.array(decisionPolicyDto) }),
      handle: async (_principal, { orgUnitId, decisionType }) => ({ items: await policies.list(orgUnitId, decisionType) }),
    }),
    startShadowPolicy: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/decision-policies',
      summary: 'Run a candidate algorithm in shadow for a decision type: it decides beside the live policy and logs, never acts',
      tags: ['decisions'],
      access: operatorRoles,
      input: startShadowPolicyInput,
      output: decisionPolicyDto,
      handle: (principal, input) => policies.startShadow(actorFromPrincipal(principal), input),
    }),
    promotePolicy: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/decision-policies/:experimentId/promote',
      summary: "Make a shadow candidate the live policy, if its doubly robust lower bound beats the logged value and the twin shows no guardrail breach (409 saying why otherwise); audited either way",
      tags: ['decisions'],
      access: founderOnly,
      input: promotePolicyInput,
      output: decisionPolicyDto,
      handle: (principal, { orgUnitId, experimentId }) => policies.promote(actorFromPrincipal(principal), orgUnitId, experimentId),
    }),
  };
}
