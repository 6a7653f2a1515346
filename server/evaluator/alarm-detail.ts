import type { SeriesKey } from '../../db/queries/evaluator-series.js';
import type { DetectorAlarm } from '../../engine/evaluator/index.js';

/** An alarm waiting to be handed to governance; `number` tells it apart from a later one on the same series. */
export type PendingAlarm = Readonly<{ number: number; detail: string }>;

const detectorNames = { page_hinkley: 'Page-Hinkley', cusum: 'CUSUM' } as const;

/** One sentence an operator reads in the incident: what dropped, from what to what, and why that counts. */
export function alarmDetail(key: SeriesKey, alarm: DetectorAlarm): string {
  const subject = key.subjectType === 'workflow' ? `workflow ${key.subjectId}` : `decision type ${key.subjectId}`;
  return (
    `${detectorNames[alarm.kind]} detected a drop in ${key.metric} of ${subject}: ` +
    `the mean of the last ${alarm.recentCount} observations is ${figure(alarm.recentMean)}, ` +
    `against a baseline of ${figure(alarm.baselineMean)} (σ ${figure(alarm.baselineSigma)}); ` +
    `statistic ${alarm.statistic.toFixed(1)} passed the threshold ${alarm.threshold}.`
  );
}

function figure(value: number): string {
  return Number(value.toPrecision(4)).toString();
}
