import { z } from 'zod';
import { orgUnitIdSchema } from './common.js';
import { decisionDto } from './decisions.js';

/** One reported day of the shop (a metrics.snapshot event); money in minor units, margin a fraction. */
export const metricsPointDto = z.object({
  at: z.string(),
  revenueMinor: z.number(),
  orders: z.number(),
  marginPercent: z.number().describe('a fraction: 0.25 is 25%'),
  cashMinor: z.number(),
  runwayDays: z.number().nullable(),
});
export type MetricsPointDto = z.infer<typeof metricsPointDto>;

export const annotationKinds = ['kill_switch', 'policy', 'incident'] as const;
export type AnnotationKind = (typeof annotationKinds)[number];

/** Something that happened to governance, drawn on the metric charts at its time. */
export const annotationDto = z.object({ at: z.string(), kind: z.enum(annotationKinds), label: z.string() });
export type AnnotationDto = z.infer<typeof annotationDto>;

export const dashboardDto = z.object({
  orgUnitId: z.string(),
  asOf: z.string(),
  /** The newest snapshot; null before the shop reported one. */
  latest: metricsPointDto.nullable(),
  killSwitch: z.object({ engagedScopes: z.array(z.string()) }),
  pendingApprovals: z.number().int(),
  openIncidents: z.number().int(),
  recentDecisions: z.array(decisionDto),
  health: z.object({
    database: z.literal('ok'),
    /** The last sequence number of the live stream: a console compares it with what it has seen. */
    streamSeq: z.number().int(),
    pausedWorkflows: z.number().int(),
  }),
});
export type DashboardDto = z.infer<typeof dashboardDto>;

export const getDashboardInput = z.object({ orgUnitId: orgUnitIdSchema }).strict();

export const getStateHistoryInput = z
  .object({
    orgUnitId: orgUnitIdSchema,
    limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(200),
  })
  .strict();

export const stateHistoryDto = z.object({
  /** Oldest first: the newest `limit` snapshots. */
  points: z.array(metricsPointDto),
  /** Kill-switch, policy and incident events from the first point on, oldest first. */
  annotations: z.array(annotationDto),
});
export type StateHistoryDto = z.infer<typeof stateHistoryDto>;
