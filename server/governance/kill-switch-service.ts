import type { DatabaseTransactionConnection } from 'slonik';
import { insertIncident } from '../../db/queries/incidents.js';
import {
  insertKillSwitchEvent,
  listEngagedKillSwitches,
  pauseWorkflowsInScope,
  releaseKillSwitchEvent,
  resetWorkflowsAfterRelease,
  type KillSwitchEventRow,
} from '../../db/queries/kill-switch.js';
import { killSwitchScopes, type Action, type Actor, type KillSwitchScope } from '../../engine/governance/index.js';
import { AppError, forbidden, validationFailed } from '../errors/catalog.js';
import { isoTime, publishCommitted, type GovernanceDeps } from './governance-deps.js';
import type { GovernorService } from './governor-service.js';
import { checkOpenInput, incidentOpenedAudit, toIncidentView, type IncidentView } from './incident-service.js';
import type { KillSwitchStateCache } from './kill-switch-state.js';

export type KillSwitchEngagement = Readonly<{
  id: string;
  scope: KillSwitchScope;
  reason: string;
  engagedBy: string;
  engagedAt: string;
  incidentId: string | null;
  releasedBy: string | null;
  releaseReason: string | null;
  releasedAt: string | null;
}>;

export type KillSwitchStateView = Readonly<{ orgUnitId: string; engaged: readonly KillSwitchEngagement[]; scopes: readonly KillSwitchScope[] }>;

export type KillSwitchChange = Readonly<{ orgUnitId: string; scope: KillSwitchScope; reason: string; actor: Actor }>;

export type EngageResult = Readonly<{
  engagement: KillSwitchEngagement;
  incident: IncidentView;
  pausedWorkflows: readonly string[];
  verdictId: string;
  /** The clock reading just after the transaction committed. */
  committedAt: number;
}>;

export type ReleaseResult = Readonly<{
  engagement: KillSwitchEngagement;
  /** Workflows of the scope, now A0 manual; `paused` stays true where another engaged scope still covers them. */
  workflows: readonly { id: string; paused: boolean }[];
  verdictId: string;
  committedAt: number;
}>;

export type KillSwitchService = {
  engage(change: KillSwitchChange): Promise<EngageResult>;
  release(change: KillSwitchChange): Promise<ReleaseResult>;
  state(orgUnitId: string): Promise<KillSwitchStateView>;
  /**
   * Calls `listener` after each committed engage or release (the workflow runtime re-reads
   * the workflows it paused or dropped to A0). In-process only; other processes see the
   * change within their caches' TTL.
   */
  onChanged(listener: (orgUnitId: string) => void): () => void;
};

export type KillSwitchServiceDeps = GovernanceDeps & Readonly<{ governor: GovernorService; killSwitch: KillSwitchStateCache }>;

const maxReason = 2000;

/**
 * The kill switch (DESIGN §3). Engaging (operator or founder) is one transaction: the
 * engagement row, its incident, pausing the workflows in scope and the audit entries all
 * commit together or not at all. This process's governor counts the scope as engaged from
 * the moment engage begins (see kill-switch-state.ts), so no verdict evaluated after the
 * commit can allow an autonomous action in scope. Releasing is founder-only, through the
 * governor (founder_only on governance.kill_switch.release), and puts the scope's workflows
 * to A0 manual, never back to where they were.
 */
export function createKillSwitchService(deps: KillSwitchServiceDeps): KillSwitchService {
  const { pool, audit, clock, governor, killSwitch } = deps;

  const switchAction = (change: KillSwitchChange, verb: 'engage' | 'release'): Action => ({
    orgUnitId: change.orgUnitId,
    actor: change.actor,
    tool: `governance.kill_switch.${verb}`,
    input: { scope: change.scope, reason: change.reason },
    context: {},
    autonomous: change.actor.kind !== 'user',
  });

  const listeners = new Set<(orgUnitId: string) => void>();

  async function publishState(orgUnitId: string, change: Record<string, unknown>): Promise<void> {
    for (const listener of listeners) listener(orgUnitId);
    const scopes = (await listEngagedKillSwitches(pool, orgUnitId)).map((row) => row.scope);
    await publishCommitted(deps, orgUnitId, 'killswitch.changed', { orgUnitId, engaged: scopes, ...change });
  }

  /** Read in the engaging transaction: a READ COMMITTED statement sees the conflicting row, which has committed. */
  async function alreadyEngaged(tx: DatabaseTransactionConnection, orgUnitId: string, scope: KillSwitchScope): Promise<AppError> {
    const current = (await listEngagedKillSwitches(tx, orgUnitId)).find((row) => row.scope === scope);
    const since = current ? ` since ${current.engaged_at.toISOString()} by ${current.engaged_by} (${current.reason})` : '';
    return new AppError('KILL_SWITCH_ALREADY_ENGAGED', `the ${scope} kill switch is already engaged in ${orgUnitId}${since}; release it before engaging it again`, {
      scope,
      engagedAt: isoTime(current?.engaged_at ?? null),
      engagedBy: current?.engaged_by ?? null,
    });
  }

  return {
    async engage(change) {
      const { orgUnitId, scope, actor } = change;
      const reason = checkChange(change);
      const verdict = await governor.authorize(switchAction(change, 'engage'));
      if (actor.role !== 'founder' && actor.role !== 'operator') throw forbidden(`a ${actor.role} cannot engage the kill switch; an operator or founder can`);
      const handle = killSwitch.engaging(orgUnitId, scope);
      let outcome: { engagement: KillSwitchEngagement; incident: IncidentView; pausedWorkflows: readonly string[] };
      try {
        outcome = await pool.transaction(async (tx) => {
          const at = new Date(clock.now());
          const incidentRow = await insertIncident(tx, {
            ...checkOpenInput({
              orgUnitId,
              severity: 'critical',
              source: 'kill_switch',
              title: `Kill switch engaged: ${scope}`,
              description: `${scope} kill switch engaged by ${actor.id} at ${at.toISOString()}: ${reason}`,
              links: [{ kind: 'verdict', id: verdict.id }],
            }),
            at,
          });
          const row = await insertKillSwitchEvent(tx, { orgUnitId, scope, reason, engagedBy: actor.id, incidentId: incidentRow.id, at });
          if (!row) throw await alreadyEngaged(tx, orgUnitId, scope);
          const pausedWorkflows = await pauseWorkflowsInScope(tx, { orgUnitId, scope, at });
          const incident = toIncidentView(incidentRow);
          const engagement = toEngagement(row);
          await audit.appendInTransaction(tx, orgUnitId, [
            incidentOpenedAudit(incident, actor),
            { kind: 'kill_switch.engaged', actor: actor.id, data: { ...engagement, pausedWorkflows, verdictId: verdict.id } },
          ]);
          return { engagement, incident, pausedWorkflows };
        });
      } catch (error) {
        handle.failed(error instanceof AppError && error.code === 'KILL_SWITCH_ALREADY_ENGAGED');
        throw error;
      }
      handle.committed();
      const committedAt = clock.now();
      await publishCommitted(deps, orgUnitId, 'incident.opened', outcome.incident);
      await publishState(orgUnitId, { change: 'engaged', scope, reason, by: actor.id, at: outcome.engagement.engagedAt });
      return { ...outcome, verdictId: verdict.id, committedAt };
    },

    async release(change) {
      const { orgUnitId, scope, actor } = change;
      const reason = checkChange(change);
      const verdict = await governor.authorize(switchAction(change, 'release'));
      const outcome = await pool.transaction(async (tx) => {
        const at = new Date(clock.now());
        const row = await releaseKillSwitchEvent(tx, { orgUnitId, scope, reason, releasedBy: actor.id, at });
        if (!row) throw new AppError('KILL_SWITCH_NOT_ENGAGED', `the ${scope} kill switch is not engaged in ${orgUnitId}`, { scope });
        const stillEngaged = (await listEngagedKillSwitches(tx, orgUnitId)).map((engaged) => engaged.scope);
        const workflows = await resetWorkflowsAfterRelease(tx, { orgUnitId, scope, stillEngaged, at });
        const engagement = toEngagement(row);
        await audit.appendInTransaction(tx, orgUnitId, [
          { kind: 'kill_switch.released', actor: actor.id, data: { ...engagement, workflows, stillEngaged, verdictId: verdict.id } },
        ]);
        return { engagement, workflows };
      });
      killSwitch.released(orgUnitId, scope);
      const committedAt = clock.now();
      await publishState(orgUnitId, { change: 'released', scope, reason, by: actor.id, at: outcome.engagement.releasedAt });
      return { ...outcome, verdictId: verdict.id, committedAt };
    },

    onChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async state(orgUnitId) {
      const engaged = (await listEngagedKillSwitches(pool, orgUnitId)).map(toEngagement);
      return { orgUnitId, engaged, scopes: engaged.map((engagement) => engagement.scope) };
    },
  };

}

function checkChange(change: KillSwitchChange): string {
  const reason = change.reason.trim();
  const errors = [
    ...(!(killSwitchScopes as readonly string[]).includes(change.scope) ? [{ path: 'scope', message: `must be one of ${killSwitchScopes.join(', ')}` }] : []),
    ...(reason.length === 0 || reason.length > maxReason ? [{ path: 'reason', message: `must be 1 to ${maxReason} characters` }] : []),
  ];
  if (errors.length > 0) throw validationFailed(errors);
  return reason;
}

function toEngagement(row: KillSwitchEventRow): KillSwitchEngagement {
  return {
    id: row.id,
    scope: row.scope,
    reason: row.reason,
    engagedBy: row.engaged_by,
    engagedAt: row.engaged_at.toISOString(),
    incidentId: row.incident_id,
    releasedBy: row.released_by,
    releaseReason: row.release_reason,
    releasedAt: isoTime(row.released_at),
  };
}
