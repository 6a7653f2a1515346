import type { DatabasePool } from 'slonik';
import {
  findExperiment,
  insertShadowExperiment,
  listExperiments,
  policyStates,
  settleExperiment,
  type ExperimentRow,
} from '../../db/queries/decision-policies.js';
import { loggedDecisions } from '../../db/queries/decisions.js';
import { pricingWorkflowId } from '../../machines/workflows/pricing-optimization.js';
import {
  armProbabilities,
  candidateBeatsLive,
  createBandit,
  defaultArms,
  featureDimension,
  offPolicyReport,
  update,
  type Algorithm,
  type DecisionType,
  type LoggedDecision,
} from '../../engine/decisions/index.js';
import type { Actor } from '../../engine/governance/index.js';
import { seededRandom, type Clock } from '../../engine/kernel/index.js';
import type { DecisionPolicyDto, PolicyReportDto, StartShadowPolicyInput } from '../contracts/decisions.js';
import { AppError, notFound } from '../errors/catalog.js';
import type { AuditWriter } from '../governance/audit-writer.js';
import type { GovernanceServices } from '../governance/governance-services.js';
import { banditSettings, decisionDomains, liveAlgorithm, type DecisionServiceDeps } from './decision-service.js';

/** Fewer logged outcomes than this say too little to compare policies. */
export const minimumLoggedDecisions = 40;
/** The newest logged decisions a report reads. */
const reportWindow = 20_000;

/** The bandit decisions a workflow acts on; a workflow not named here makes none. */
const workflowDecisionTypes: Readonly<Record<string, DecisionType>> = { [pricingWorkflowId]: 'pricing' };

/** Whether a workflow's decisions have earned A3/A4 (see `autonomyEvidence`). */
export type AutonomyEvidence = Readonly<{
  decisionType: DecisionType;
  algorithm: Algorithm;
  /** False when too few outcomes are logged to judge: the raise then rests on the founder's word. */
  judged: boolean;
  note?: string;
  report?: PolicyReportDto;
  guardrail?: Guardrail;
  /** Why the raise is refused; empty when it may go ahead. */
  reasons: readonly string[];
}>;

type Guardrail = Readonly<{ favouredOption: string; verdictId: string; verdict: string; simulationId: string | null }>;

/**
 * Candidate decision policies: run one in shadow (it decides beside the live policy and
 * logs, never acts), estimate its value off-policy from the logged decisions, and promote
 * it only when its doubly robust lower bound beats what was logged and the twin, judged by
 * the governor, finds no guardrail breach for the option it favours. Every promotion
 * attempt is audited, refused or not.
 */
export function createPolicyService(deps: {
  pool: DatabasePool;
  governance: GovernanceServices;
  audit: AuditWriter;
  clock: Clock;
  forecast?: DecisionServiceDeps['forecast'];
}) {
  const { pool, governance, audit, clock } = deps;

  async function evaluate(orgUnitId: string, type: DecisionType, algorithm: Algorithm) {
    const keys = defaultArms[type].map((arm) => arm.key);
    const rows = await loggedDecisions(pool, { orgUnitId, decisionType: type, limit: reportWindow });
    const logs: LoggedDecision[] = rows.flatMap((row) => {
      const arm = keys.indexOf(row.chosen_arm);
      return arm < 0 || row.features.length !== featureDimension ? [] : [{ x: Float64Array.from(row.features), arm, propensity: row.propensity, reward: row.reward }];
    });
    if (logs.length < minimumLoggedDecisions) {
      throw new AppError('PRECONDITION_FAILED', `off-policy evaluation of ${type} needs at least ${minimumLoggedDecisions} acted decisions with outcomes; ${orgUnitId} has ${logs.length}`);
    }
    // The candidate learns on the older half and is judged on the newer half, never on what it learnt from.
    const half = Math.floor(logs.length / 2);
    const candidate = createBandit({ algorithm, arms: keys, dimension: featureDimension, ...banditSettings });
    for (const log of logs.slice(0, half)) update(candidate, keys[log.arm]!, log.x, log.reward);
    const random = seededRandom(`policy-report:${orgUnitId}:${type}:${algorithm}`);
    const target = (x: Float64Array) => armProbabilities(candidate, x, random);
    const evaluation = logs.slice(half);
    const report = offPolicyReport(evaluation, target, keys.length, featureDimension);
    const dto: PolicyReportDto = { decisionType: type, candidate: algorithm, trainedOn: half, ...report, beatsLive: candidateBeatsLive(report) };
    return { dto, evaluation, target, keys };
  }

  /** The option the policy favours most often on recent contexts, forecast and judged by the governor as a decision would be. */
  async function judgeFavoured(actor: Actor, orgUnitId: string, type: DecisionType, evaluated: Awaited<ReturnType<typeof evaluate>>, context: Record<string, unknown>): Promise<Guardrail> {
    const { evaluation, target, keys } = evaluated;
    const votes = new Array<number>(keys.length).fill(0);
    for (const log of evaluation) {
      const probabilities = target(log.x);
      votes[probabilities.indexOf(Math.max(...probabilities))]! += 1;
    }
    const favoured = defaultArms[type][votes.indexOf(Math.max(...votes))]!;
    const forecast = deps.forecast ? await deps.forecast(orgUnitId, type, favoured.change, undefined) : null;
    const facts = { ...(forecast?.projected ? { projected: forecast.projected } : {}), ...(forecast?.risk ? { risk: forecast.risk } : {}) };
    const verdict = await governance.governor.evaluate({
      orgUnitId,
      actor,
      tool: `${decisionDomains[type]}.decide`,
      input: { decisionType: type, arm: favoured.key, ...favoured.change },
      context: { ...context, ...facts },
      autonomous: false,
      ...facts,
    });
    return { favouredOption: favoured.key, verdictId: verdict.id, verdict: verdict.outcome, simulationId: forecast?.simulationId ?? null };
  }

  function refusals(report: PolicyReportDto, guardrail: Guardrail): string[] {
    return [
      ...(report.beatsLive ? [] : [`its doubly robust lower bound ${report.doublyRobust.lower.toFixed(4)} does not beat the logged value ${report.logged.estimate.toFixed(4)}`]),
      ...(guardrail.verdict === 'deny' ? [`the governor denies its favoured option ${guardrail.favouredOption} on the twin's forecast`] : []),
    ];
  }

  return {
    /**
     * Whether a workflow may run at A3/A4: the live policy of the decisions it acts on, learnt
     * on the older half of the log and judged off-policy on the newer half, must have a doubly
     * robust lower bound above what was logged, and its favoured option no guardrail breach in
     * the twin. With too few outcomes to judge (a new shop) nothing can be shown either way:
     * the evidence says so and the raise rests on the founder's word, watched by the evaluator,
     * which drops the workflow to A2 on a regression. Null for a workflow that makes no bandit
     * decisions.
     */
    async autonomyEvidence(actor: Actor, orgUnitId: string, workflowId: string): Promise<AutonomyEvidence | null> {
      const type = workflowDecisionTypes[workflowId];
      if (!type) return null;
      const algorithm = liveAlgorithm(await policyStates(pool, orgUnitId), type);
      let evaluated: Awaited<ReturnType<typeof evaluate>>;
      try {
        evaluated = await evaluate(orgUnitId, type, algorithm);
      } catch (error) {
        if (error instanceof AppError && error.code === 'PRECONDITION_FAILED') return { decisionType: type, algorithm, judged: false, note: error.message, reasons: [] };
        throw error;
      }
      const guardrail = await judgeFavoured(actor, orgUnitId, type, evaluated, { workflowId, autonomyRaise: true });
      return { decisionType: type, algorithm, judged: true, report: evaluated.dto, guardrail, reasons: refusals(evaluated.dto, guardrail) };
    },

    async report(orgUnitId: string, type: DecisionType, algorithm: Algorithm): Promise<PolicyReportDto> {
      return (await evaluate(orgUnitId, type, algorithm)).dto;
    },

    async list(orgUnitId: string, type?: DecisionType): Promise<DecisionPolicyDto[]> {
      return (await listExperiments(pool, { orgUnitId, ...(type ? { decisionType: type } : {}) })).map(policyDto);
    },

    async startShadow(actor: Actor, input: StartShadowPolicyInput): Promise<DecisionPolicyDto> {
      const at = new Date(clock.now());
      const name = input.name ?? `${input.decisionType}-${input.algorithm}-${at.toISOString()}`;
      const row = await pool.transaction(async (tx) => {
        const inserted = await insertShadowExperiment(tx, { orgUnitId: input.orgUnitId, decisionType: input.decisionType, name, algorithm: input.algorithm, createdBy: actor.id, at });
        if (!inserted) throw new AppError('CONFLICT', `a candidate already runs in shadow for ${input.decisionType}, or the name ${JSON.stringify(name)} is taken`);
        await audit.appendInTransaction(tx, input.orgUnitId, [{ kind: 'decision_policy.shadow_started', actor: actor.id, data: policyDto(inserted) }]);
        return inserted;
      });
      return policyDto(row);
    },

    async promote(actor: Actor, orgUnitId: string, experimentId: string): Promise<DecisionPolicyDto> {
      const experiment = await findExperiment(pool, { orgUnitId, id: experimentId });
      if (!experiment) throw notFound(`decision policy ${experimentId}`);
      if (experiment.status !== 'shadow') throw new AppError('CONFLICT', `decision policy ${experimentId} is ${experiment.status}, not in shadow`);
      const type = experiment.decision_type as DecisionType;
      const evaluated = await evaluate(orgUnitId, type, experiment.candidate.algorithm);
      const report = evaluated.dto;
      const guardrail = await judgeFavoured(actor, orgUnitId, type, evaluated, { decisionPolicy: experimentId, promotion: true });
      const reasons = refusals(report, guardrail);
      const at = new Date(clock.now());
      const settled = await pool.transaction(async (tx) => {
        const locked = await findExperiment(tx, { orgUnitId, id: experimentId, lock: true });
        if (locked?.status !== 'shadow') throw new AppError('CONFLICT', `decision policy ${experimentId} was decided meanwhile`);
        const record = { ...report, guardrail, ...(reasons.length > 0 ? { refused: reasons } : {}) };
        if (reasons.length > 0) {
          await audit.appendInTransaction(tx, orgUnitId, [{ kind: 'decision_policy.promotion_refused', actor: actor.id, data: { experimentId, decisionType: type, reasons, report: record } }]);
          return null;
        }
        for (const live of await listExperiments(tx, { orgUnitId, decisionType: type })) {
          if (live.status === 'promoted') await settleExperiment(tx, { orgUnitId, id: live.id, status: 'stopped', report: live.report ?? {}, at });
        }
        const promoted = await settleExperiment(tx, { orgUnitId, id: experimentId, status: 'promoted', report: record, at });
        await audit.appendInTransaction(tx, orgUnitId, [{ kind: 'decision_policy.promoted', actor: actor.id, data: { experimentId, decisionType: type, algorithm: experiment.candidate.algorithm, report: record } }]);
        return promoted;
      });
      if (!settled) throw new AppError('PRECONDITION_FAILED', `decision policy ${experimentId} stays in shadow: ${reasons.join('; ')}`);
      return policyDto(settled);
    },
  };
}

export type PolicyService = ReturnType<typeof createPolicyService>;

function policyDto(row: ExperimentRow): DecisionPolicyDto {
  return {
    id: row.id,
    decisionType: row.decision_type as DecisionType,
    name: row.name,
    algorithm: row.candidate.algorithm,
    status: row.status,
    report: row.report,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    decidedAt: row.decided_at?.toISOString() ?? null,
  };
}
