import type { DatabasePool, DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import {
  clearPendingAlarm,
  evaluatorSubjects,
  lockSeries,
  updateSeries,
  type EvaluatorSeriesRow,
  type EvaluatorSubject,
  type SeriesKey,
} from '../../db/queries/evaluator-series.js';
import { findOutcomeByKey, insertOutcomeOnce, type NewOutcome, type OutcomeRow } from '../../db/queries/outcomes.js';
import { findWorkflow } from '../../db/queries/workflows.js';
import { createDetector, defaultDetectorParams, observe, parseDetectorState, type DetectorAlarm, type DetectorParams } from '../../engine/evaluator/index.js';
import type { Clock } from '../../engine/kernel/index.js';
import { AppError, notFound, validationFailed } from '../errors/catalog.js';
import { zodFieldErrors } from '../errors/problem.js';
import { systemActor } from '../governance/governance-deps.js';
import type { IncidentService } from '../governance/incident-service.js';
import type { WorkflowService } from '../workflows/workflow-service.js';
import { alarmDetail, type PendingAlarm } from './alarm-detail.js';

export type EvaluatorServiceDeps = Readonly<{
  pool: DatabasePool;
  /** Where a workflow's regression goes: incident, and A3/A4 down to A2. */
  workflows: Pick<WorkflowService, 'regressionDetected'>;
  /** Where a decision type's regression goes: an incident. */
  incidents: Pick<IncidentService, 'open'>;
  clock: Clock;
  /** The detector a new series starts with (Page-Hinkley's defaults unless set). */
  detector?: DetectorParams;
}>;

/** Whose outcomes a series holds: a workflow (by id) or a decision type (ad_spend, pricing, …), and which metric. */
export type OutcomeSeries = Readonly<{ subject: EvaluatorSubject; id: string; metric?: string }>;

export type RecordOutcomeOptions = Readonly<{
  /** Makes the call idempotent: the same key again counts once and answers `duplicate: true`. */
  key?: string;
  observedAt?: Date;
}>;

/** What governance did with an alarm: the incident, and for a workflow the autonomy before and after. */
export type RegressionHandled = Readonly<{ incidentId: string; autonomyLevel: string | null; previousLevel: string | null }>;

export type RecordedOutcome = Readonly<{
  series: Required<OutcomeSeries>;
  /** How many observations the series has had, this one included. */
  observations: number;
  duplicate: boolean;
  warmingUp: boolean;
  statistic: number;
  threshold: number;
  /** The alarm this observation raised, with a sentence saying what dropped; null when none. */
  alarm: (DetectorAlarm & { detail: string }) | null;
  /** Set when this call handed an alarm (this one, or an earlier one not yet handled) to governance. */
  regression: RegressionHandled | null;
}>;

const defaultMetric = 'outcome';

const input = z.object({
  orgUnitId: z.string().min(1),
  series: z
    .object({
      subject: z.enum(evaluatorSubjects),
      id: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
      metric: z
        .string()
        .regex(/^[a-z][a-z0-9_.]{0,62}$/, 'must be lowercase letters, digits, _ or ., starting with a letter (at most 63)')
        .default(defaultMetric),
    })
    .strict(),
  // numeric(24, 6) holds up to 10^18; anything near that is not an outcome but a bug.
  value: z.number({ message: 'must be a number' }).finite('must be a finite number').min(-1e15).max(1e15),
  key: z.string().min(1).max(300).optional(),
  observedAt: z.date().optional(),
});

/**
 * The evaluator's service glue: each outcome goes into its series' regression detector
 * (state stored per series, so nothing is re-read), and an alarm goes to governance —
 * for a workflow through `regressionDetected` (incident, A3/A4 → A2), for a decision type
 * as an incident. The alarm is stored with the observation and handed over after the
 * commit; if that fails, the next observation of the series (or a retry with the same
 * key) hands it over again, so an alarm is never lost to a crash in between.
 *
 * Calls take their own connections: do not call from inside a transaction of the same pool.
 */
export function createEvaluatorService(deps: EvaluatorServiceDeps) {
  const { pool, clock } = deps;
  const newDetector = createDetector(deps.detector ?? defaultDetectorParams.page_hinkley);

  /** At least once: cleared only after governance took it, so a failure here leaves it for the next call. */
  async function handOver(key: SeriesKey, pending: PendingAlarm): Promise<RegressionHandled> {
    const handled =
      key.subjectType === 'workflow'
        ? await deps.workflows.regressionDetected(key.orgUnitId, key.subjectId, { metric: key.metric, detail: pending.detail })
        : await deps.incidents.open(
            {
              orgUnitId: key.orgUnitId,
              severity: 'high',
              source: 'evaluator',
              title: `Regression in decision type ${key.subjectId}: ${key.metric}`,
              description: pending.detail,
            },
            systemActor,
          );
    await clearPendingAlarm(pool, { ...key, number: pending.number });
    return 'incidentId' in handled
      ? { incidentId: handled.incidentId, autonomyLevel: handled.autonomyLevel, previousLevel: handled.previousLevel }
      : { incidentId: handled.id, autonomyLevel: null, previousLevel: null };
  }

  return {
    async recordOutcome(orgUnitId: string, series: OutcomeSeries, value: number, options: RecordOutcomeOptions = {}): Promise<RecordedOutcome> {
      const parsed = input.safeParse({ orgUnitId, series, value, ...options });
      if (!parsed.success) throw validationFailed(zodFieldErrors(parsed.error, 'outcome'));
      const checked = { ...parsed.data.series };
      const key: SeriesKey = { orgUnitId, subjectType: checked.subject, subjectId: checked.id, metric: checked.metric };
      if (checked.subject === 'workflow' && (await findWorkflow(pool, orgUnitId, checked.id)) === null) throw notFound(`Workflow ${checked.id}`);
      const at = new Date(clock.now());
      const outcome: NewOutcome = {
        orgUnitId,
        subjectType: key.subjectType,
        subjectId: key.subjectId,
        metric: key.metric,
        value: parsed.data.value,
        observedAt: parsed.data.observedAt ?? at,
        details: {},
        idempotencyKey: parsed.data.key ?? null,
      };
      const { recorded, pending } = await pool.transaction(async (tx) => {
        const row = await lockSeries(tx, { ...key, detector: newDetector, at });
        const earlier = row.pending_alarm as PendingAlarm | null;
        const state = parseDetectorState(row.detector);
        const step = observe(state, outcome.value);
        const alarm = step.alarm === null ? null : { ...step.alarm, detail: alarmDetail(key, step.alarm) };
        const observed: Omit<RecordedOutcome, 'regression'> = {
          series: checked,
          observations: step.state.observations,
          duplicate: false,
          warmingUp: step.warmingUp,
          statistic: step.statistic,
          threshold: state.params.threshold,
          alarm,
        };
        const stored = await insertOutcomeOnce(tx, { ...outcome, details: { statistic: observed.statistic, warmingUp: observed.warmingUp, threshold: observed.threshold, alarm } });
        if (stored === null) return { recorded: await firstAnswer(tx, outcome, row), pending: earlier };
        const raised: PendingAlarm | null = alarm === null ? null : { number: step.state.alarms, detail: alarm.detail };
        await updateSeries(tx, {
          ...key,
          detector: step.state,
          observations: step.state.observations,
          alarms: step.state.alarms,
          pendingAlarm: raised ?? earlier,
          lastAlarmAt: alarm === null ? row.last_alarm_at : at,
          at,
        });
        return { recorded: observed, pending: raised ?? earlier };
      });
      return { ...recorded, regression: pending === null ? null : await handOver(key, pending) };
    },
  };
}

/** A key seen before: the same observation answers as it did the first time (duplicate); anything else under that key is a conflict. */
async function firstAnswer(tx: DatabaseTransactionConnection, outcome: NewOutcome, series: EvaluatorSeriesRow): Promise<Omit<RecordedOutcome, 'regression'>> {
  const first = await findOutcomeByKey(tx, { orgUnitId: outcome.orgUnitId, idempotencyKey: outcome.idempotencyKey ?? '' });
  if (first === null || !sameObservation(first, outcome)) {
    throw new AppError('IDEMPOTENCY_CONFLICT', `outcome key ${outcome.idempotencyKey ?? ''} was already used for a different observation`);
  }
  const details = first.details as { statistic: number; warmingUp: boolean; threshold: number; alarm: RecordedOutcome['alarm'] };
  return {
    series: { subject: series.subject_type, id: series.subject_id, metric: series.metric },
    observations: series.observations,
    duplicate: true,
    warmingUp: details.warmingUp,
    statistic: details.statistic,
    threshold: details.threshold,
    alarm: details.alarm,
  };
}

function sameObservation(row: OutcomeRow, outcome: NewOutcome): boolean {
  return row.subject_type === outcome.subjectType && row.subject_id === outcome.subjectId && row.metric === outcome.metric && Number(row.value) === Number(outcome.value.toFixed(6));
}

export type EvaluatorService = ReturnType<typeof createEvaluatorService>;
