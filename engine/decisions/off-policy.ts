import { newLinearArm, observe, predict, type LinearArm } from './linear-arm.js';

/** One logged decision: its context, the arm taken, the probability the logging policy gave it, and the reward. */
export type LoggedDecision = Readonly<{ x: Float64Array; arm: number; propensity: number; reward: number }>;

/** A candidate policy as off-policy evaluation sees it: a distribution over the arms in a context. */
export type TargetPolicy = (x: Float64Array) => readonly number[];

/** An estimate of a policy's mean reward per decision, with a 95 % normal confidence interval. */
export type PolicyEstimate = Readonly<{ estimate: number; lower: number; upper: number; standardError: number; n: number }>;

export type OffPolicyReport = Readonly<{
  ips: PolicyEstimate;
  snips: PolicyEstimate;
  doublyRobust: PolicyEstimate;
  /** The logging policy's own value: the mean logged reward. */
  logged: PolicyEstimate;
  /** (Σw)² / Σw²: how many logged decisions the candidate effectively learns from. */
  effectiveSampleSize: number;
}>;

const z95 = 1.959964;

/**
 * Inverse propensity scoring: mean of w·r with w = π(a|x) / p(a|x). Unbiased when the
 * logged propensities are right and positive wherever the candidate acts, but noisy when
 * the two policies disagree.
 */
export function ips(logs: readonly LoggedDecision[], target: TargetPolicy): PolicyEstimate {
  return meanEstimate(logs.map((log) => weight(log, target) * log.reward));
}

/** Self-normalised IPS: Σ w r / Σ w. Slightly biased, far less variance; the delta method gives its interval. */
export function snips(logs: readonly LoggedDecision[], target: TargetPolicy): PolicyEstimate {
  requireLogs(logs);
  const weights = logs.map((log) => weight(log, target));
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (total === 0) return { estimate: 0, lower: 0, upper: 0, standardError: 0, n: logs.length };
  const estimate = weights.reduce((sum, w, i) => sum + w * (logs[i] as LoggedDecision).reward, 0) / total;
  const spread = weights.reduce((sum, w, i) => sum + (w * ((logs[i] as LoggedDecision).reward - estimate)) ** 2, 0);
  const standardError = Math.sqrt(spread) / total;
  return { estimate, lower: estimate - z95 * standardError, upper: estimate + z95 * standardError, standardError, n: logs.length };
}

/** A reward model for doubly robust estimation: the expected reward of an arm in a context. */
export type RewardModel = (x: Float64Array, arm: number) => number;

/**
 * Doubly robust: the reward model's value of the candidate's choices, corrected by the
 * weighted error of the model on what was logged: Σₐ π(a|x) q̂(x,a) + w (r − q̂(x,aᵢ)).
 * Right if either the propensities or the model are; with neither far off, tight.
 */
export function doublyRobust(logs: readonly LoggedDecision[], target: TargetPolicy, model: RewardModel): PolicyEstimate {
  return meanEstimate(
    logs.map((log) => {
      const probabilities = target(log.x);
      let direct = 0;
      probabilities.forEach((p, arm) => {
        if (p > 0) direct += p * model(log.x, arm);
      });
      return direct + weight(log, target) * (log.reward - model(log.x, log.arm));
    }),
  );
}

/**
 * Ridge regression per arm on the logs, cross-fitted over two halves: each half's terms use
 * the model fitted on the other, so the model never grades its own training data.
 */
export function crossFittedDoublyRobust(logs: readonly LoggedDecision[], target: TargetPolicy, arms: number, dimension: number): PolicyEstimate {
  requireLogs(logs);
  const half = Math.floor(logs.length / 2);
  const first = logs.slice(0, half);
  const second = logs.slice(half);
  if (first.length === 0) return doublyRobust(logs, target, fitRewardModel(logs, arms, dimension));
  const onSecond = doublyRobust(second, target, fitRewardModel(first, arms, dimension));
  const onFirst = doublyRobust(first, target, fitRewardModel(second, arms, dimension));
  // The two halves' means and variances pooled into one estimate over all logs.
  const n = logs.length;
  const estimate = (onFirst.estimate * first.length + onSecond.estimate * second.length) / n;
  const variance = (onFirst.standardError ** 2 * first.length ** 2 + onSecond.standardError ** 2 * second.length ** 2) / n ** 2;
  const standardError = Math.sqrt(variance);
  return { estimate, lower: estimate - z95 * standardError, upper: estimate + z95 * standardError, standardError, n };
}

export function fitRewardModel(logs: readonly LoggedDecision[], arms: number, dimension: number): RewardModel {
  const models: LinearArm[] = Array.from({ length: arms }, () => newLinearArm(dimension));
  const scratch = new Float64Array(dimension);
  for (const log of logs) observe(models[log.arm] as LinearArm, log.x, log.reward, scratch);
  return (x, arm) => predict(models[arm] as LinearArm, x);
}

export function offPolicyReport(logs: readonly LoggedDecision[], target: TargetPolicy, arms: number, dimension: number): OffPolicyReport {
  const weights = logs.map((log) => weight(log, target));
  const sum = weights.reduce((total, w) => total + w, 0);
  const squares = weights.reduce((total, w) => total + w * w, 0);
  return {
    ips: ips(logs, target),
    snips: snips(logs, target),
    doublyRobust: crossFittedDoublyRobust(logs, target, arms, dimension),
    logged: meanEstimate(logs.map((log) => log.reward)),
    effectiveSampleSize: squares === 0 ? 0 : (sum * sum) / squares,
  };
}

/**
 * Whether a candidate may replace the live policy: its doubly robust lower bound must beat
 * the live policy's logged value (the same rule gates raising a workflow to A3/A4).
 */
export function candidateBeatsLive(report: OffPolicyReport): boolean {
  return report.doublyRobust.lower > report.logged.estimate;
}

function weight(log: LoggedDecision, target: TargetPolicy): number {
  if (!(log.propensity > 0 && log.propensity <= 1)) throw new RangeError(`a logged propensity must be in (0, 1], got ${log.propensity}`);
  return (target(log.x)[log.arm] ?? 0) / log.propensity;
}

function meanEstimate(terms: readonly number[]): PolicyEstimate {
  requireLogs(terms);
  const n = terms.length;
  const estimate = terms.reduce((sum, term) => sum + term, 0) / n;
  const variance = n > 1 ? terms.reduce((sum, term) => sum + (term - estimate) ** 2, 0) / (n - 1) : 0;
  const standardError = Math.sqrt(variance / n);
  return { estimate, lower: estimate - z95 * standardError, upper: estimate + z95 * standardError, standardError, n };
}

function requireLogs(logs: readonly unknown[]): void {
  if (logs.length === 0) throw new RangeError('off-policy evaluation needs at least one logged decision');
}
