import type { DatabasePool } from 'slonik';
import { readerRoles } from '../../../engine/kernel/index.js';
import { dashboardCounts, governanceAnnotations, latestSnapshots, type SnapshotRow } from '../../../db/queries/dashboard.js';
import {
  dashboardDto,
  getDashboardInput,
  getStateHistoryInput,
  stateHistoryDto,
  type DashboardDto,
  type MetricsPointDto,
  type StateHistoryDto,
} from '../../contracts/dashboard.js';
import type { DecisionService } from '../../decisions/decision-service.js';
import type { GovernanceServices } from '../../governance/governance-services.js';
import { defineOperation } from '../operation.js';

const recentDecisionCount = 5;
const annotationLimit = 500;

const numberOr = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

/** Snapshots were validated at ingestion; a field missing from an older event still reads as a number. */
function toMetricsPoint(row: SnapshotRow): MetricsPointDto {
  const { payload } = row;
  return {
    at: row.occurred_at.toISOString(),
    revenueMinor: numberOr(payload.revenueMinor, 0),
    orders: numberOr(payload.orders, 0),
    marginPercent: numberOr(payload.marginPercent, 0),
    cashMinor: numberOr(payload.cashMinor, 0),
    runwayDays: typeof payload.runwayDays === 'number' ? payload.runwayDays : null,
  };
}

export function dashboardOperations(deps: { pool: DatabasePool; governance: GovernanceServices; decisions: DecisionService; now: () => number }) {
  const { pool, governance, decisions, now } = deps;
  return {
    getDashboard: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/dashboard',
      summary: 'The shop at a glance: latest revenue, orders, margin, cash runway, what waits on people, recent decisions and health',
      tags: ['dashboard'],
      access: readerRoles,
      input: getDashboardInput,
      output: dashboardDto,
      async handle(_principal, { orgUnitId }): Promise<DashboardDto> {
        // One after another: the embedded database serves one connection.
        const [latest] = await latestSnapshots(pool, { orgUnitId, limit: 1 });
        const counts = await dashboardCounts(pool, orgUnitId);
        const killSwitch = await governance.killSwitch.state(orgUnitId);
        const recentDecisions = await decisions.list(orgUnitId, { limit: recentDecisionCount });
        return {
          orgUnitId,
          asOf: new Date(now()).toISOString(),
          latest: latest ? toMetricsPoint(latest) : null,
          killSwitch: { engagedScopes: [...killSwitch.scopes] },
          pendingApprovals: counts.pending_approvals,
          openIncidents: counts.open_incidents,
          recentDecisions,
          health: { database: 'ok', streamSeq: counts.stream_seq, pausedWorkflows: counts.paused_workflows },
        };
      },
    }),
    getStateHistory: defineOperation({
      kind: 'query',
      method: 'GET',
      path: '/api/org-units/:orgUnitId/state-history',
      summary: 'Daily metrics over time (oldest first) with the kill-switch, policy and incident events to draw on them',
      tags: ['dashboard'],
      access: readerRoles,
      input: getStateHistoryInput,
      output: stateHistoryDto,
      async handle(_principal, { orgUnitId, limit }): Promise<StateHistoryDto> {
        const points = (await latestSnapshots(pool, { orgUnitId, limit })).map(toMetricsPoint);
        const from = points[0] ? new Date(points[0].at) : new Date(0);
        const annotations = await governanceAnnotations(pool, { orgUnitId, from, limit: annotationLimit });
        return { points, annotations: annotations.map((row) => ({ at: row.at.toISOString(), kind: row.kind, label: row.label })) };
      },
    }),
  };
}
