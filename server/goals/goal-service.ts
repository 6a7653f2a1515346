import type { DatabasePool } from 'slonik';
import { insertGoal, listGoals, recordGoalProgress, trailingSales, type GoalRow } from '../../db/queries/goals.js';
import type { CreateGoalInput, GoalDto } from '../contracts/goals.js';
import type { Principal } from '../auth/principal.js';

const windowMs = 30 * 86_400_000;

/**
 * Goals and their progress. A goal names a metric; each read measures it over the trailing
 * 30 days of orders, stores the measurement and the status it implies (achieved once the
 * target is reached, missed once the deadline passed short of it), and answers both.
 */
export function createGoalService(deps: { pool: DatabasePool; now: () => number }) {
  const { pool } = deps;

  async function measured(orgUnitId: string, rows: readonly GoalRow[]): Promise<GoalDto[]> {
    if (rows.length === 0) return [];
    const at = new Date(deps.now());
    const sales = await trailingSales(pool, { orgUnitId, since: new Date(at.getTime() - windowMs), until: at });
    const updated: GoalDto[] = [];
    for (const row of rows) {
      const currentValue = row.metric === 'orders' ? sales.orders : sales.revenue;
      const reached = Number(currentValue) >= Number(row.target_value);
      const status = reached ? 'achieved' : row.deadline && row.deadline.getTime() < at.getTime() ? 'missed' : 'active';
      updated.push(goalDto(await recordGoalProgress(pool, { orgUnitId, id: row.id, currentValue, status, at }), at));
    }
    return updated;
  }

  return {
    async create(principal: Principal, input: CreateGoalInput): Promise<GoalDto> {
      const row = await insertGoal(pool, {
        orgUnitId: input.orgUnitId,
        title: input.title,
        type: input.type,
        metric: input.metric,
        targetValue: input.targetValue,
        deadline: input.deadline ?? null,
        createdBy: principal.kind === 'user' ? principal.id : null,
      });
      return (await measured(input.orgUnitId, [row]))[0]!;
    },
    async list(orgUnitId: string, limit: number): Promise<GoalDto[]> {
      return measured(orgUnitId, await listGoals(pool, { orgUnitId, limit }));
    },
  };
}

export type GoalService = ReturnType<typeof createGoalService>;

function goalDto(row: GoalRow, at: Date): GoalDto {
  const current = Number(row.current_value);
  return {
    id: row.id,
    orgUnitId: row.org_unit_id,
    title: row.title,
    type: row.type,
    metric: row.metric === 'orders' ? 'orders' : 'revenue',
    targetValue: row.target_value,
    deadline: row.deadline?.toISOString() ?? null,
    status: row.status,
    progress: { currentValue: row.current_value, fraction: Math.min(1, current / Number(row.target_value)), measuredAt: at.toISOString() },
    createdAt: row.created_at.toISOString(),
  };
}
