import { randomUUID } from 'node:crypto';
import type { CommonQueryMethods, DatabasePool } from 'slonik';
import { findAdBudget } from '../../db/queries/ad-budgets.js';
import {
  findDecision,
  insertBanditReward,
  insertDecision,
  listDecisions,
  loadBanditArms,
  saveBanditArms,
  settleDecisionOutcome,
  type DecisionRow,
  type DecisionStatus,
} from '../../db/queries/decisions.js';
import { policyStates, type ExperimentRow } from '../../db/queries/decision-policies.js';
import { findProduct } from '../../db/queries/products.js';
import {
  banditFromJson,
  banditToJson,
  choose,
  contextFeatures,
  defaultArms,
  featureDimension,
  newLinearArm,
  update,
  type Algorithm,
  type Arm,
  type Bandit,
  type BanditConfig,
  type DecisionType,
} from '../../engine/decisions/index.js';
import { killSwitchCovering, type Actor } from '../../engine/governance/index.js';
import { armToJson, type LinearArmJson } from '../../engine/decisions/linear-arm.js';
import { seededRandom, type Clock } from '../../engine/kernel/index.js';
import type { ToolCallResult } from '../../engine/tools/index.js';
import type { DecisionDto, MakeDecisionInput, RecordOutcomeInput } from '../contracts/decisions.js';
import { AppError, notFound } from '../errors/catalog.js';
import type { GovernanceServices } from '../governance/governance-services.js';
import type { Publish } from '../governance/governance-deps.js';
import type { ToolRouter } from '../tools/tool-implementation.js';

/** What the twin says of a chosen option, for the decision record and the governor's `projected.*` / `risk.*`. */
export type Forecast = Readonly<{
  simulationId: string | null;
  predictedImpact: Record<string, unknown>;
  projected?: Readonly<Record<string, number>>;
  risk?: Readonly<Record<string, number>>;
}>;

export type DecisionServiceDeps = Readonly<{
  pool: DatabasePool;
  governance: Pick<GovernanceServices, 'governor' | 'killSwitchState'>;
  router: ToolRouter;
  clock: Clock;
  publish: Publish;
  /** The twin's forecast of an option (null where the twin has no lever for it); absent, decisions carry no predicted impact. */
  forecast?: (orgUnitId: string, decisionType: DecisionType, change: Arm['change'], target: DecisionTarget | undefined) => Promise<Forecast | null>;
}>;

export type DecisionTarget = MakeDecisionInput['target'];

/** The version of the policy code: it goes in every decision row, so logs from different code can be told apart. */
export const policyVersion = 'bandits-1';

/** Per decision type: the tool domain it acts in (what a kill switch covers) and the settings its bandits use. */
export const decisionDomains: Readonly<Record<DecisionType, string>> = {
  pricing: 'pricing',
  ad_spend: 'ads',
  creator_allocation: 'creators',
  stream_schedule: 'creators',
  payout_frequency: 'payouts',
};
export const banditSettings = { epsilon: 0.1, alpha: 0.2, scale: 0.1 } as const;

/** The algorithm a decision type runs on: the one last promoted, else Thompson sampling. */
export function liveAlgorithm(policies: readonly ExperimentRow[], type: DecisionType): Algorithm {
  return policies.find((policy) => policy.decision_type === type && policy.status === 'promoted')?.candidate.algorithm ?? 'thompson';
}

/**
 * makeDecision: choose an arm for the context (the live algorithm, its state from
 * bandit_arms), forecast it in the twin, and act through the tool router — which asks the
 * governor and waits for an approval where policy says so — or, where no tool carries the
 * decision, record it for a person with the governor's verdict. A kill switch over the
 * domain freezes the decision on the baseline arm. recordDecisionOutcome turns the outcome
 * into a reward net of the action's cost and teaches the arm, once per decision.
 */
export function createDecisionService(deps: DecisionServiceDeps) {
  const { pool, governance, router, clock, publish } = deps;

  async function loadBandit(db: CommonQueryMethods, orgUnitId: string, type: DecisionType, algorithm: Algorithm, lock = false): Promise<Bandit> {
    const config: BanditConfig = { algorithm, arms: defaultArms[type].map((arm) => arm.key), dimension: featureDimension, ...banditSettings };
    const stored = new Map((await loadBanditArms(db, { orgUnitId, decisionType: type, algorithm, lock })).map((row) => [row.arm_key, row.state as unknown as LinearArmJson]));
    // Arms added since the state was saved start fresh; the rest carry on where they were.
    return banditFromJson({ config, arms: config.arms.map((key) => stored.get(key) ?? armToJson(newLinearArm(featureDimension))) });
  }

  /** The tool call that carries a decision out, when its context names what to change. */
  async function toolCallFor(orgUnitId: string, type: DecisionType, arm: Arm, input: MakeDecisionInput): Promise<{ tool: string; input: Record<string, unknown> } | null> {
    const change = arm.change;
    if (type === 'pricing' && input.target?.productId !== undefined) {
      const product = await findProduct(pool, { orgUnitId, id: input.target.productId });
      if (!product) throw notFound(`product ${input.target.productId}`);
      const percent = Number(change.priceChange ?? 0);
      return { tool: 'pricing.set_price', input: { productId: product.id, priceMinor: Math.max(1, Math.round((product.price_minor * (100 + percent)) / 100)) } };
    }
    if (type === 'ad_spend' && input.target?.channel !== undefined) {
      const budget = await findAdBudget(pool, { orgUnitId, channel: input.target.channel });
      if (!budget) throw new AppError('PRECONDITION_FAILED', `the ${input.target.channel} channel has no ad budget to change yet; set one first`);
      const percent = Number(change.adSpendChange ?? 0);
      return { tool: 'ads.set_budget', input: { channel: budget.channel, dailyBudgetMinor: Math.round((budget.daily_budget_minor * (100 + percent)) / 100), currency: budget.currency } };
    }
    return null;
  }

  /** The arm for the context (the baseline while a kill switch covers the domain), and its forecast in the twin. */
  async function chooseAndForecast(id: string, input: MakeDecisionInput, at: Date) {
    const { orgUnitId, decisionType: type } = input;
    const policies = await policyStates(pool, orgUnitId);
    const candidate = policies.find((policy) => policy.decision_type === type && policy.status === 'shadow');
    const algorithm = input.algorithm ?? liveAlgorithm(policies, type);
    const arms = defaultArms[type];
    const x = contextFeatures(input.context, at);
    await governance.killSwitchState.refresh(orgUnitId);
    const frozenBy = killSwitchCovering(governance.killSwitchState.current(orgUnitId), `${decisionDomains[type]}.decide`);
    const bandit = await loadBandit(pool, orgUnitId, type, algorithm);
    // Seeded by the decision's id, so the choice can be reproduced from the log.
    const choice = frozenBy ? { arm: arms[0]!.key, index: 0, propensity: 1 } : choose(bandit, x, seededRandom(id));
    const arm = arms[choice.index]!;
    const forecast = deps.forecast ? await deps.forecast(orgUnitId, type, arm.change, input.target) : null;
    return { id, type, algorithm, arms, x, frozenBy, choice, arm, forecast, candidate };
  }

  type Chosen = Awaited<ReturnType<typeof chooseAndForecast>>;

  /** Logs a chosen decision (the record off-policy evaluation reads) and streams decision.made. */
  async function logDecision(
    orgUnitId: string,
    chosen: Chosen,
    logged: { context: Record<string, unknown>; shadow: boolean; verdictId: string | null; actionId: string | null; status: DecisionStatus; at: Date },
  ): Promise<DecisionRow> {
    const { id, type, arm, choice, forecast, candidate } = chosen;
    const record = {
      id,
      orgUnitId,
      decisionType: type,
      context: logged.context,
      features: Array.from(chosen.x),
      arms: chosen.arms,
      chosenArm: arm.key,
      propensity: choice.propensity,
      algorithm: chosen.algorithm,
      policyVersion,
      shadow: logged.shadow,
      predictedImpact: forecast?.predictedImpact ?? null,
      simulationId: forecast?.simulationId ?? null,
      verdictId: logged.verdictId,
      actionId: logged.actionId,
      status: logged.status,
      at: logged.at,
    };
    const row = await insertDecision(pool, record);
    // A candidate in shadow decides beside the live policy on the same context, and only logs.
    if (candidate && candidate.candidate.algorithm !== chosen.algorithm && !chosen.frozenBy && !logged.shadow) {
      const shadowChoice = choose(await loadBandit(pool, orgUnitId, type, candidate.candidate.algorithm), chosen.x, seededRandom(`${id}:shadow`));
      await insertDecision(pool, {
        ...record,
        id: randomUUID(),
        chosenArm: shadowChoice.arm,
        propensity: shadowChoice.propensity,
        algorithm: candidate.candidate.algorithm,
        shadow: true,
        predictedImpact: null,
        simulationId: null,
        verdictId: null,
        actionId: null,
        status: 'shadow',
        experimentId: candidate.id,
      });
    }
    await publish(orgUnitId, 'decision.made', { decisionId: id, decisionType: type, selectedOption: arm.key, status: logged.status, propensity: choice.propensity });
    return row;
  }

  async function makeDecision(actor: Actor, input: MakeDecisionInput): Promise<DecisionDto> {
    const { orgUnitId, decisionType: type } = input;
    const id = randomUUID();
    const at = new Date(clock.now());
    const chosen = await chooseAndForecast(id, input, at);
    const { frozenBy, arm, forecast } = chosen;

    let status: DecisionStatus = frozenBy ? 'frozen' : input.shadow ? 'shadow' : 'proposed';
    let verdictId: string | null = null;
    let actionId: string | null = null;
    let verdictOutcome: string | null = null;
    if (!frozenBy) {
      const context = { decisionId: id, decisionType: type, arm: arm.key, ...(forecast?.projected ? { projected: forecast.projected } : {}), ...(forecast?.risk ? { risk: forecast.risk } : {}) };
      const call = await toolCallFor(orgUnitId, type, arm, input);
      if (call) {
        const result = await router.call({ orgUnitId, actor, tool: call.tool, input: call.input, mode: input.shadow ? 'dry_run' : 'execute', idempotencyKey: `decision:${id}`, context });
        ({ verdictId, actionId } = result);
        verdictOutcome = verdictOf(result);
        if (!input.shadow) status = statusOf(result);
      } else {
        const verdict = await governance.governor.evaluate({ orgUnitId, actor, tool: `${decisionDomains[type]}.decide`, input: { decisionType: type, arm: arm.key, ...arm.change }, context, autonomous: actor.kind !== 'user', ...(forecast?.projected ? { projected: forecast.projected } : {}), ...(forecast?.risk ? { risk: forecast.risk } : {}) });
        verdictId = verdict.id;
        verdictOutcome = verdict.outcome;
        if (!input.shadow && verdict.outcome === 'deny') status = 'denied';
      }
    }
    const row = await logDecision(orgUnitId, chosen, {
      context: { ...input.context, ...(input.target ? { target: input.target } : {}) },
      shadow: input.shadow ?? false,
      verdictId,
      actionId,
      status,
      at,
    });
    const dto = decisionDto(row, verdictOutcome, frozenBy);
    return dto;
  }

  /**
   * A decision a workflow carries out in a step of its own: chosen and forecast here, and
   * logged as `proposed` with the tool call that would carry it out and the forecast's
   * `projected` / `risk` figures (the tool reads them back as the governor's facts). The
   * workflow's call then meets the governor and its autonomy gate like any other step.
   * Idempotent by id: the same id answers the decision already logged.
   */
  async function propose(input: MakeDecisionInput & { id: string; at: Date; record?: Readonly<Record<string, unknown>> }): Promise<ProposedDecision> {
    const { orgUnitId, decisionType: type } = input;
    const logged = await findDecision(pool, { orgUnitId, id: input.id });
    if (logged) return proposedFrom(logged);
    const chosen = await chooseAndForecast(input.id, input, input.at);
    const { frozenBy, arm, forecast } = chosen;
    const call = frozenBy ? null : await toolCallFor(orgUnitId, type, arm, input);
    const row = await logDecision(orgUnitId, chosen, {
      context: {
        ...input.context,
        ...input.record,
        ...(input.target ? { target: input.target } : {}),
        ...(call ? { proposedCall: call } : {}),
        ...(forecast?.projected || forecast?.risk ? { forecast: { projected: forecast.projected ?? {}, risk: forecast.risk ?? {} } } : {}),
      },
      shadow: false,
      verdictId: null,
      actionId: null,
      status: frozenBy ? 'frozen' : 'proposed',
      at: input.at,
    });
    return { ...proposedFrom(row), ...(frozenBy ? { decision: decisionDto(row, null, frozenBy) } : {}) };
  }

  async function recordOutcome(_actor: Actor, input: RecordOutcomeInput): Promise<DecisionDto> {
    const { orgUnitId, decisionId } = input;
    const at = new Date(clock.now());
    const settled = await pool.transaction(async (tx) => {
      const decision = await findDecision(tx, { orgUnitId, id: decisionId });
      if (!decision) throw notFound(`decision ${decisionId}`);
      const gross = Number(input.value);
      const reward = gross - input.toolCostMinor / 100;
      const row = await settleDecisionOutcome(tx, { orgUnitId, id: decisionId, outcome: { value: input.value, toolCostMinor: input.toolCostMinor, ...(input.note ? { note: input.note } : {}) }, reward, at });
      if (!row) throw new AppError('CONFLICT', `decision ${decisionId} already has its outcome (recorded ${decision.outcome_at?.toISOString() ?? 'before'})`);
      await insertBanditReward(tx, { orgUnitId, decisionId, armKey: row.chosen_arm, grossValue: input.value, toolCostMinor: input.toolCostMinor, reward, at });
      // Frozen and shadow decisions did not act: what happened says nothing about their arm.
      if (row.status !== 'frozen' && row.status !== 'shadow') {
        const type = row.decision_type as DecisionType;
        const features = Float64Array.from(row.features);
        // A candidate in shadow learns from the same outcome, so it is ready when it is judged.
        const candidate = (await policyStates(tx, orgUnitId)).find((policy) => policy.decision_type === type && policy.status === 'shadow');
        const learners = new Set([row.algorithm, ...(candidate ? [candidate.candidate.algorithm] : [])]);
        for (const algorithm of learners) {
          // In the transaction (never a second connection inside it): the arm rows stay locked until the update commits.
          const bandit = await loadBandit(tx, orgUnitId, type, algorithm, true);
          update(bandit, row.chosen_arm, features, reward);
          const json = banditToJson(bandit);
          await saveBanditArms(tx, {
            orgUnitId,
            decisionType: type,
            algorithm,
            arms: json.arms.map((arm, index) => ({ key: json.config.arms[index]!, baseline: index === 0, state: arm, pulls: arm.pulls, rewardSum: arm.rewardSum })),
            at,
          });
        }
      }
      return row;
    });
    await publish(orgUnitId, 'decision.outcome', { decisionId, decisionType: settled.decision_type, arm: settled.chosen_arm, reward: settled.reward });
    return decisionDto(settled, null, undefined);
  }

  return {
    makeDecision,
    propose,
    recordOutcome,
    async list(orgUnitId: string, filters: { decisionType?: DecisionType; status?: DecisionStatus; before?: Date; limit: number }): Promise<DecisionDto[]> {
      return (await listDecisions(pool, { orgUnitId, ...filters })).map((row) => decisionDto(row, null, undefined));
    },
  };
}

export type DecisionService = ReturnType<typeof createDecisionService>;

/** A logged proposal: the decision, and the tool call that carries it out (null when frozen or when no tool carries it). */
export type ProposedDecision = Readonly<{ decision: DecisionDto; call: Readonly<{ tool: string; input: Record<string, unknown> }> | null }>;

function proposedFrom(row: DecisionRow): ProposedDecision {
  const call = row.context.proposedCall as ProposedDecision['call'] | undefined;
  return { decision: decisionDto(row, null, undefined), call: call ?? null };
}

function statusOf(result: ToolCallResult): DecisionStatus {
  switch (result.status) {
    case 'succeeded':
      return 'executed';
    case 'awaiting_approval':
      return 'awaiting_approval';
    case 'denied':
      return 'denied';
    case 'draft':
      return 'proposed';
    default:
      return 'failed';
  }
}

function verdictOf(result: ToolCallResult): string | null {
  if (result.status === 'denied') return 'deny';
  if (result.status === 'awaiting_approval') return 'require_approval';
  return result.verdictId ? 'allow' : null;
}

function decisionDto(row: DecisionRow, verdict: string | null, frozenBy: string | undefined): DecisionDto {
  const arm = row.arms.find((candidate) => candidate.key === row.chosen_arm);
  return {
    id: row.id,
    orgUnitId: row.org_unit_id,
    decisionType: row.decision_type as DecisionType,
    selectedOption: row.chosen_arm,
    option: arm ? { label: arm.label, change: arm.change } : null,
    predictedImpact: row.predicted_impact,
    propensity: row.propensity,
    algorithm: row.algorithm,
    policyVersion: row.policy_version,
    status: row.status,
    shadow: row.shadow,
    verdict: verdict === null && row.verdict_id === null ? null : { id: row.verdict_id, outcome: verdict },
    actionId: row.action_id,
    simulationId: row.simulation_id,
    ...(frozenBy ? { frozenBy } : {}),
    outcome: row.outcome,
    reward: row.reward,
    createdAt: row.created_at.toISOString(),
    outcomeAt: row.outcome_at?.toISOString() ?? null,
  };
}
