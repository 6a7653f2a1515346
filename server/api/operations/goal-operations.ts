import { z } from 'zod';
import { operatorRoles, readerRoles } from '../../../engine/kernel/index.js';
import { createGoalInput, goalDto, listGoalsInput } from '../../contracts/goals.js';
import type { GoalService } from '../../goals/goal-service.js';
import { defineOperation } from '../operation.js';

export function goalOperations(deps: { goals: GoalService }) {
  const { goals } = deps;
  return {
    createGoal: defineOperation({
      kind: 'mutation',
      method: 'POST',
      path: '/api/org-units/:orgUnitId/goals',
      summary: 'Set a goal on a metric (revenue or orders over the trailing 30 days) with a decimal target and an optional deadline; answers its progress',
      tags: ['goals'],
      access: operatorRoles,
      input: createGoalInput,
      output: goalDto,
      handle: (principal, input) => goals.create(principal, input),
    }),
    listGoals: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/goals',
      summary: 'Goals, newest first, each measured now against the metric it names',
      tags: ['goals'],
      access: readerRoles,
      input: listGoalsInput,
      output: z.object({ items: z.array(goalDto) }),
      handle: async (_principal, { orgUnitId, limit }) => ({ items: await goals.list(orgUnitId, limit) }),
    }),
  };
}
