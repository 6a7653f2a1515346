import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/**
 * Decisions, their bandits' arm state and rewards (db/migrations/006_learning.sql). A
 * decision row is the log off-policy evaluation reads: context, features, the arms offered,
 * the arm chosen with its propensity, the algorithm and its version. Its outcome is set
 * once; the reward row's unique decision id makes recording it twice impossible.
 */

export const decisionStatuses = ['proposed', 'executed', 'awaiting_approval', 'denied', 'shadow', 'frozen', 'failed'] as const;
export type DecisionStatus = (typeof decisionStatuses)[number];

export const decisionRow = z.object({
  id: z.string().uuid(),
  org_unit_id: z.string(),
  decision_type: z.string(),
  context: z.record(z.unknown()),
  features: z.array(z.number()),
  arms: z.array(z.object({ key: z.string(), label: z.string(), change: z.record(z.union([z.number(), z.string()])) })),
  chosen_arm: z.string(),
  propensity: z.number(),
  algorithm: z.enum(['epsilon_greedy', 'linucb', 'thompson']),
  policy_version: z.string(),
  shadow: z.boolean(),
  predicted_impact: z.record(z.unknown()).nullable(),
  simulation_id: z.string().uuid().nullable(),
  verdict_id: z.string().uuid().nullable(),
  action_id: z.string().uuid().nullable(),
  status: z.enum(decisionStatuses),
  outcome: z.record(z.unknown()).nullable(),
  reward: z.number().nullable(),
  created_at: z.date(),
  outcome_at: z.date().nullable(),
});
export type DecisionRow = z.infer<typeof decisionRow>;

const columns = sql.fragment`id, org_unit_id, decision_type, context, features, arms, chosen_arm, propensity, algorithm, policy_version,
  shadow, predicted_impact, simulation_id, verdict_id, action_id, status, outcome, reward, created_at, outcome_at`;

export type NewDecision = {
  id: string;
  orgUnitId: string;
  decisionType: string;
  context: Record<string, unknown>;
  features: readonly number[];
  arms: readonly unknown[];
  chosenArm: string;
  propensity: number;
  algorithm: DecisionRow['algorithm'];
  policyVersion: string;
  shadow: boolean;
  predictedImpact: Record<string, unknown> | null;
  simulationId: string | null;
  verdictId: string | null;
  actionId: string | null;
  status: DecisionStatus;
  /** The shadow experiment a candidate's decision belongs to. */
  experimentId?: string;
  at: Date;
};

export async function insertDecision(db: CommonQueryMethods, args: NewDecision): Promise<DecisionRow> {
  return db.one(sql.type(decisionRow)`
    INSERT INTO decisions (id, org_unit_id, decision_type, context, features, arms, chosen_arm, propensity, algorithm, policy_version,
                           shadow, predicted_impact, simulation_id, verdict_id, action_id, status, experiment_id, created_at)
    VALUES (${args.id}, ${args.orgUnitId}, ${args.decisionType}, ${JSON.stringify(args.context)}::jsonb,
            ${sql.array([...args.features], 'float8')}, ${JSON.stringify(args.arms)}::jsonb, ${args.chosenArm}, ${args.propensity},
            ${args.algorithm}, ${args.policyVersion}, ${args.shadow},
            ${args.predictedImpact === null ? null : JSON.stringify(args.predictedImpact)}::jsonb, ${args.simulationId}, ${args.verdictId},
            ${args.actionId}, ${args.status}, ${args.experimentId ?? null}, ${sql.timestamp(args.at)})
    RETURNING ${columns}`);
}

export async function findDecision(db: CommonQueryMethods, args: { orgUnitId: string; id: string }): Promise<DecisionRow | null> {
  return db.maybeOne(sql.type(decisionRow)`SELECT ${columns} FROM decisions WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id}`);
}

/** Newest first; `before` pages by creation time. */
export async function listDecisions(
  db: CommonQueryMethods,
  args: { orgUnitId: string; decisionType?: string; status?: DecisionStatus; before?: Date; limit: number },
): Promise<readonly DecisionRow[]> {
  const filters = [
    sql.fragment`org_unit_id = ${args.orgUnitId}`,
    ...(args.decisionType === undefined ? [] : [sql.fragment`decision_type = ${args.decisionType}`]),
    ...(args.status === undefined ? [] : [sql.fragment`status = ${args.status}`]),
    ...(args.before === undefined ? [] : [sql.fragment`created_at < ${sql.timestamp(args.before)}`]),
  ];
  return db.any(sql.type(decisionRow)`
    SELECT ${columns} FROM decisions WHERE ${sql.join(filters, sql.fragment` AND `)} ORDER BY created_at DESC, id LIMIT ${args.limit}`);
}

/** Sets the outcome once: null when the decision already has one (or does not exist). */
export async function settleDecisionOutcome(
  db: CommonQueryMethods,
  args: { orgUnitId: string; id: string; outcome: Record<string, unknown>; reward: number; at: Date },
): Promise<DecisionRow | null> {
  return db.maybeOne(sql.type(decisionRow)`
    UPDATE decisions SET outcome = ${JSON.stringify(args.outcome)}::jsonb, reward = ${args.reward}, outcome_at = ${sql.timestamp(args.at)}
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND outcome IS NULL
    RETURNING ${columns}`);
}

export async function insertBanditReward(
  db: CommonQueryMethods,
  args: { orgUnitId: string; decisionId: string; armKey: string; grossValue: string; toolCostMinor: number; reward: number; at: Date },
): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO bandit_rewards (org_unit_id, decision_id, arm_key, gross_value, tool_cost_minor, reward, created_at)
    VALUES (${args.orgUnitId}, ${args.decisionId}, ${args.armKey}, ${args.grossValue}, ${args.toolCostMinor}, ${args.reward}, ${sql.timestamp(args.at)})`);
}

export const banditArmRow = z.object({ arm_key: z.string(), is_baseline: z.boolean(), state: z.record(z.unknown()), pulls: z.number(), reward_sum: z.number() });
export type BanditArmRow = z.infer<typeof banditArmRow>;

/** A bandit's arm rows; `lock` holds them until the transaction ends (an update reads, learns, writes back). */
export async function loadBanditArms(
  db: CommonQueryMethods,
  args: { orgUnitId: string; decisionType: string; algorithm: string; lock?: boolean },
): Promise<readonly BanditArmRow[]> {
  return db.any(sql.type(banditArmRow)`
    SELECT arm_key, is_baseline, state, pulls, reward_sum FROM bandit_arms
     WHERE org_unit_id = ${args.orgUnitId} AND decision_type = ${args.decisionType} AND algorithm = ${args.algorithm}
     ORDER BY arm_key ${args.lock ? sql.fragment`FOR UPDATE` : sql.fragment``}`);
}

export async function saveBanditArms(
  db: CommonQueryMethods,
  args: { orgUnitId: string; decisionType: string; algorithm: string; arms: readonly { key: string; baseline: boolean; state: unknown; pulls: number; rewardSum: number }[]; at: Date },
): Promise<void> {
  if (args.arms.length === 0) return;
  await db.query(sql.unsafe`
    INSERT INTO bandit_arms (org_unit_id, decision_type, algorithm, arm_key, is_baseline, state, pulls, reward_sum, updated_at)
    SELECT ${args.orgUnitId}, ${args.decisionType}, ${args.algorithm}, a.key, a.baseline, a.state, a.pulls, a.reward_sum, ${sql.timestamp(args.at)}
      FROM ${sql.unnest(
        args.arms.map((arm) => [arm.key, arm.baseline, JSON.stringify(arm.state), arm.pulls, arm.rewardSum]),
        ['text', 'bool', 'jsonb', 'int8', 'float8'],
      )} AS a(key, baseline, state, pulls, reward_sum)
    ON CONFLICT (org_unit_id, decision_type, algorithm, arm_key) DO UPDATE
       SET state = excluded.state, pulls = excluded.pulls, reward_sum = excluded.reward_sum, updated_at = excluded.updated_at`);
}

export const loggedDecisionRow = z.object({ features: z.array(z.number()), chosen_arm: z.string(), propensity: z.number(), reward: z.number() });

/** Decisions that acted and have their reward, oldest first: the log off-policy evaluation reads. */
export async function loggedDecisions(db: CommonQueryMethods, args: { orgUnitId: string; decisionType: string; limit: number }): Promise<readonly z.infer<typeof loggedDecisionRow>[]> {
  return db.any(sql.type(loggedDecisionRow)`
    SELECT features, chosen_arm, propensity, reward FROM (
      SELECT features, chosen_arm, propensity, reward, created_at, id FROM decisions
       WHERE org_unit_id = ${args.orgUnitId} AND decision_type = ${args.decisionType}
         AND NOT shadow AND status NOT IN ('frozen', 'shadow') AND reward IS NOT NULL
       ORDER BY created_at DESC, id DESC LIMIT ${args.limit}) recent
    ORDER BY created_at, id`);
}

/** A proposed decision is carried out: it becomes `executed`, linked to the action that did it. Null unless it was `proposed`. */
export async function markDecisionExecuted(db: CommonQueryMethods, args: { orgUnitId: string; id: string; actionId: string | null }): Promise<DecisionRow | null> {
  return db.maybeOne(sql.type(decisionRow)`
    UPDATE decisions SET status = 'executed', action_id = coalesce(${args.actionId}::uuid, action_id)
     WHERE org_unit_id = ${args.orgUnitId} AND id = ${args.id} AND status = 'proposed'
    RETURNING ${columns}`);
}

/**
 * Executed decisions a workflow made whose outcome is still to be recorded and whose
 * measurement window (`context.measureTo`, ISO time) closed by `asOf`; oldest first.
 */
export async function listDecisionsAwaitingOutcome(
  db: CommonQueryMethods,
  args: { orgUnitId: string; decisionType: string; workflowId: string; asOf: Date; limit: number },
): Promise<readonly DecisionRow[]> {
  return db.any(sql.type(decisionRow)`
    SELECT ${columns} FROM decisions
     WHERE org_unit_id = ${args.orgUnitId} AND decision_type = ${args.decisionType} AND status = 'executed' AND outcome IS NULL
       AND context ->> 'workflowId' = ${args.workflowId}
       AND (context ->> 'measureTo')::timestamptz <= ${sql.timestamp(args.asOf)}
     ORDER BY created_at, id
     LIMIT ${args.limit}`);
}
