/**
 * Regression detection on an outcome series (rewards, quality scores, success rates):
 * a sustained DROP in the mean raises an alarm; a rise never does. Both detectors are
 * incremental — one observation at a time over a plain, JSON-serialisable state — so the
 * state is stored between observations and the series is never read again.
 *
 * Each starts with a warm-up: the first `warmUp` observations estimate the baseline mean μ
 * and standard deviation σ (Welford), and no alarm is possible until then. After it, each
 * observation x is standardised against the baseline as it stood before x,
 *   z = (x − μ) / (σ·√(1 + 1/n)),   n = observations in the baseline,
 * (the spread of a new point about an estimated mean) and clipped to ±`clip`, so a single
 * outlier cannot raise an alarm alone. δ (`drift`) and λ (`threshold`) are in units of σ,
 * so one set of parameters serves series of any scale.
 *
 * - Page-Hinkley (Page 1954; Hinkley 1971) for a decrease: mₜ = mₜ₋₁ + zₜ + δ,
 *   Mₜ = max(M₀ … Mₜ), alarm when Mₜ − mₜ > λ. The baseline keeps learning from every
 *   observation (the running mean of the published test; standardised this way it is
 *   Hawkins's self-starting scheme), so its false-alarm rate does not hinge on how well
 *   the warm-up guessed μ and σ. A slow slide is partly absorbed into the baseline.
 * - CUSUM (Page 1954), lower side: Sₜ = max(0, Sₜ₋₁ − zₜ − δ − 3/√n), alarm when Sₜ > λ.
 *   The baseline is fixed at the end of the warm-up, so a slow slide is never absorbed;
 *   the guard band 3/√n (three standard errors of the warm-up mean) keeps a warm-up that
 *   happened to run high from turning into a steady drift of S towards an alarm.
 * δ = 0.5 tunes both for drops of about 1σ (δ is half the shift aimed at).
 *
 * After an alarm the detector resets and warms up again: the new level becomes the
 * baseline, so a lasting drop raises one alarm, not one per observation.
 */
export const detectorKinds = ['page_hinkley', 'cusum'] as const;
export type DetectorKind = (typeof detectorKinds)[number];

export type DetectorParams = Readonly<{
  kind: DetectorKind;
  /** δ, in baseline σ: the drop per observation the detector lets pass. */
  drift: number;
  /** λ, in baseline σ: the accumulated drop that raises an alarm. */
  threshold: number;
  /** Observations that fix the baseline before any alarm is possible (at least 2). */
  warmUp: number;
  /** Standardised observations are clipped to ±clip. */
  clip: number;
  /** σ is at least this fraction of |μ₀|, so a baseline that never varied does not turn every wobble into an alarm. */
  sigmaFloor: number;
}>;

/**
 * Defaults, chosen by simulation on Gaussian noise (20,000 series each; docs/evaluator.md
 * has the figures). Page-Hinkley: no false alarm in 500 stationary points; a 2σ drop found
 * after a median 12 observations (99% within 20). CUSUM needs a longer warm-up for its
 * fixed baseline: with 100, no false alarm either; a 2σ drop after a median 13 (99% within 24).
 */
export const defaultDetectorParams: Readonly<Record<DetectorKind, DetectorParams>> = {
  page_hinkley: { kind: 'page_hinkley', drift: 0.5, threshold: 15, warmUp: 20, clip: 4, sigmaFloor: 0.01 },
  cusum: { kind: 'cusum', drift: 0.5, threshold: 15, warmUp: 100, clip: 4, sigmaFloor: 0.01 },
};

export type DetectorState = Readonly<{
  params: DetectorParams;
  /** The baseline: how many observations it holds, their mean and sum of squared deviations (Welford). */
  count: number;
  mean: number;
  m2: number;
  /** CUSUM: Sₜ. Page-Hinkley: mₜ. */
  cumulative: number;
  /** Page-Hinkley: Mₜ (CUSUM leaves it 0). */
  peak: number;
  /** Observations since the statistic last stood at zero: where the drop probably began. */
  run: Readonly<{ count: number; sum: number }>;
  /** Across resets. */
  observations: number;
  alarms: number;
}>;

export type DetectorAlarm = Readonly<{
  kind: DetectorKind;
  statistic: number;
  threshold: number;
  baselineMean: number;
  baselineSigma: number;
  /** The mean of the observations since the drop probably began, and how many they are. */
  recentMean: number;
  recentCount: number;
}>;

export type DetectorStep = Readonly<{
  state: DetectorState;
  /** The detector's statistic after this observation (0 while warming up); an alarm when it passes the threshold. */
  statistic: number;
  warmingUp: boolean;
  alarm: DetectorAlarm | null;
}>;

export function checkDetectorParams(params: DetectorParams): DetectorParams {
  const problems = [
    ...(detectorKinds.includes(params.kind) ? [] : [`kind must be one of ${detectorKinds.join(', ')}`]),
    ...(Number.isFinite(params.drift) && params.drift >= 0 ? [] : ['drift must be a number ≥ 0']),
    ...(Number.isFinite(params.threshold) && params.threshold > 0 ? [] : ['threshold must be a number > 0']),
    ...(Number.isSafeInteger(params.warmUp) && params.warmUp >= 2 ? [] : ['warmUp must be a whole number ≥ 2']),
    ...(Number.isFinite(params.clip) && params.clip > 0 ? [] : ['clip must be a number > 0']),
    ...(Number.isFinite(params.sigmaFloor) && params.sigmaFloor >= 0 ? [] : ['sigmaFloor must be a number ≥ 0']),
  ];
  if (problems.length > 0) throw new RangeError(`detector parameters: ${problems.join('; ')}`);
  return params;
}

export function createDetector(params: DetectorParams): DetectorState {
  return fresh(checkDetectorParams(params), 0, 0);
}

/** Back to warming up, keeping the parameters and the lifetime counts. */
export function resetDetector(state: DetectorState): DetectorState {
  return fresh(state.params, state.observations, state.alarms);
}

export function observe(state: DetectorState, value: number): DetectorStep {
  if (!Number.isFinite(value)) throw new RangeError(`an observation must be a finite number, got ${value}`);
  const { params } = state;
  const observations = state.observations + 1;
  if (state.count < params.warmUp) {
    return { state: { ...learn(state, value), observations }, statistic: 0, warmingUp: true, alarm: null };
  }
  const sigma = baselineSigma(state);
  const z = clip((value - state.mean) / (sigma * Math.sqrt(1 + 1 / state.count)), params.clip);
  const next = params.kind === 'cusum' ? cusumStep(state, z) : pageHinkleyStep(state, z);
  const run = next.restart ? { count: 0, sum: 0 } : { count: state.run.count + 1, sum: state.run.sum + value };
  if (next.statistic > params.threshold) {
    const alarm: DetectorAlarm = {
      kind: params.kind,
      statistic: next.statistic,
      threshold: params.threshold,
      baselineMean: state.mean,
      baselineSigma: sigma,
      recentMean: run.count === 0 ? value : run.sum / run.count,
      recentCount: Math.max(1, run.count),
    };
    return { state: fresh(params, observations, state.alarms + 1), statistic: next.statistic, warmingUp: false, alarm };
  }
  const learned = params.kind === 'page_hinkley' ? learn(state, value) : state;
  const stepped: DetectorState = { ...learned, cumulative: next.cumulative, peak: next.peak, run, observations };
  return { state: stepped, statistic: next.statistic, warmingUp: false, alarm: null };
}

/** Standard errors of the warm-up mean that CUSUM adds to δ. */
const guardBand = 3;

type Next = { cumulative: number; peak: number; statistic: number; restart: boolean };

function cusumStep(state: DetectorState, z: number): Next {
  const cumulative = Math.max(0, state.cumulative - z - state.params.drift - guardBand / Math.sqrt(state.count));
  return { cumulative, peak: 0, statistic: cumulative, restart: cumulative === 0 };
}

function pageHinkleyStep(state: DetectorState, z: number): Next {
  const cumulative = state.cumulative + z + state.params.drift;
  const peak = Math.max(state.peak, cumulative);
  return { cumulative, peak, statistic: peak - cumulative, restart: cumulative >= state.peak };
}

function learn(state: DetectorState, value: number): DetectorState {
  const count = state.count + 1;
  const delta = value - state.mean;
  const mean = state.mean + delta / count;
  return { ...state, count, mean, m2: state.m2 + delta * (value - mean) };
}

/** Keeps z finite when a baseline is exactly 0 and never varied. */
const tinySigma = 1e-12;

function baselineSigma(state: DetectorState): number {
  const sample = Math.sqrt(Math.max(0, state.m2) / (state.count - 1));
  return Math.max(sample, state.params.sigmaFloor * Math.abs(state.mean), tinySigma);
}

function clip(value: number, limit: number): number {
  return Math.min(limit, Math.max(-limit, value));
}

function fresh(params: DetectorParams, observations: number, alarms: number): DetectorState {
  return { params, count: 0, mean: 0, m2: 0, cumulative: 0, peak: 0, run: { count: 0, sum: 0 }, observations, alarms };
}
