import type { DatabaseTransactionConnection } from 'slonik';
import {
  acknowledgeOpenIncident,
  findIncident,
  insertIncident,
  listIncidents,
  resolveUnresolvedIncident,
  type IncidentRow,
  type IncidentSeverity,
  type IncidentSource,
  type NewIncident,
  type IncidentStatus,
} from '../../db/queries/incidents.js';
import type { AuditInput } from '../../engine/governance/audit/index.js';
import type { Actor } from '../../engine/governance/index.js';
import { AppError, forbidden, notFound, validationFailed } from '../errors/catalog.js';
import { isoTime, publishCommitted, type GovernanceDeps } from './governance-deps.js';

/** What an incident points at, so a reader can follow it to the evidence. */
export type IncidentLink = Readonly<
  { kind: 'audit'; seq: number } | { kind: 'verdict' | 'decision' | 'approval' | 'kill_switch' | 'workflow_run' | 'policy'; id: string }
>;

export type IncidentView = Readonly<{
  id: string;
  orgUnitId: string;
  severity: IncidentSeverity;
  source: IncidentSource;
  title: string;
  description: string;
  status: IncidentStatus;
  resolution: string | null;
  links: readonly Readonly<Record<string, unknown>>[];
  openedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  updatedAt: string;
}>;

export type OpenIncidentInput = Readonly<{
  orgUnitId: string;
  severity: IncidentSeverity;
  source: IncidentSource;
  title: string;
  description?: string;
  links?: readonly IncidentLink[];
}>;

export type IncidentFilters = Readonly<{ status?: IncidentStatus; severity?: IncidentSeverity; source?: IncidentSource; limit?: number }>;

export type IncidentService = {
  open(input: OpenIncidentInput, actor: Actor): Promise<IncidentView>;
  acknowledge(orgUnitId: string, incidentId: string, actor: Actor): Promise<IncidentView>;
  resolve(orgUnitId: string, incidentId: string, actor: Actor, resolution: string): Promise<IncidentView>;
  /** The one call behind `updateIncident`: acknowledged, or resolved with a resolution. */
  update(orgUnitId: string, incidentId: string, change: Readonly<{ status: 'acknowledged' | 'resolved'; resolution?: string }>, actor: Actor): Promise<IncidentView>;
  list(orgUnitId: string, filters?: IncidentFilters): Promise<readonly IncidentView[]>;
  get(orgUnitId: string, incidentId: string): Promise<IncidentView>;
};

const maxTitle = 500;
const maxText = 10_000;

/**
 * Incidents: open → acknowledged → resolved, or open → resolved; anything else is 409
 * INCIDENT_TRANSITION_INVALID. Each change commits with its audit entry and is streamed
 * after the commit. Viewers only read; agents may open (a fraud agent raising an alarm)
 * but acknowledging and resolving take a person (founder, operator) or the system.
 */
export function createIncidentService(deps: GovernanceDeps): IncidentService {
  const { pool, audit, clock } = deps;

  async function transition(
    orgUnitId: string,
    incidentId: string,
    actor: Actor,
    to: 'acknowledged' | 'resolved',
    write: (tx: DatabaseTransactionConnection, at: Date) => Promise<IncidentRow | null>,
  ): Promise<IncidentView> {
    if (!['founder', 'operator', 'system'].includes(actor.role)) throw forbidden(`a ${actor.role} cannot change an incident`);
    const at = new Date(clock.now());
    const view = await pool.transaction(async (tx) => {
      const row = await write(tx, at);
      if (!row) return null;
      const changed = toIncidentView(row);
      await audit.appendInTransaction(tx, orgUnitId, [{ kind: 'incident.updated', actor: actor.id, data: { incidentId, status: to, incident: changed } }]);
      return changed;
    });
    if (!view) {
      const current = await findIncident(pool, { orgUnitId, id: incidentId });
      if (!current) throw notFound(`incident ${incidentId}`);
      throw new AppError('INCIDENT_TRANSITION_INVALID', `incident ${incidentId} is ${current.status}; it cannot become ${to}`, {
        from: current.status,
        to,
      });
    }
    await publishCommitted(deps, orgUnitId, 'incident.updated', view);
    return view;
  }

  const service: IncidentService = {
    async open(input, actor) {
      if (actor.role === 'viewer') throw forbidden('a viewer cannot open an incident');
      const fields = checkOpenInput(input);
      const view = await pool.transaction(async (tx) => {
        const row = await insertIncident(tx, { ...fields, at: new Date(clock.now()) });
        const opened = toIncidentView(row);
        await audit.appendInTransaction(tx, input.orgUnitId, [incidentOpenedAudit(opened, actor)]);
        return opened;
      });
      await publishCommitted(deps, input.orgUnitId, 'incident.opened', view);
      return view;
    },

    async acknowledge(orgUnitId, incidentId, actor) {
      return transition(orgUnitId, incidentId, actor, 'acknowledged', (tx, at) => acknowledgeOpenIncident(tx, { orgUnitId, id: incidentId, by: actor.id, at }));
    },

    async resolve(orgUnitId, incidentId, actor, resolution) {
      const text = resolution.trim();
      if (text.length === 0 || text.length > maxText) throw validationFailed([{ path: 'resolution', message: `must be 1 to ${maxText} characters` }]);
      return transition(orgUnitId, incidentId, actor, 'resolved', (tx, at) =>
        resolveUnresolvedIncident(tx, { orgUnitId, id: incidentId, by: actor.id, resolution: text, at }),
      );
    },

    async update(orgUnitId, incidentId, change, actor) {
      if (change.status === 'acknowledged') return service.acknowledge(orgUnitId, incidentId, actor);
      return service.resolve(orgUnitId, incidentId, actor, change.resolution ?? '');
    },

    async list(orgUnitId, filters = {}) {
      const rows = await listIncidents(pool, { orgUnitId, ...filters, limit: filters.limit ?? 100 });
      return rows.map(toIncidentView);
    },

    async get(orgUnitId, incidentId) {
      const row = await findIncident(pool, { orgUnitId, id: incidentId });
      if (!row) throw notFound(`incident ${incidentId}`);
      return toIncidentView(row);
    },
  };
  return service;
}

/** Validated columns for a new incident (shared with the kill switch, which opens one in its own transaction). */
export function checkOpenInput(input: OpenIncidentInput): NewIncident {
  const title = input.title.trim();
  const description = (input.description ?? '').trim();
  const errors = [
    ...(title.length === 0 || title.length > maxTitle ? [{ path: 'title', message: `must be 1 to ${maxTitle} characters` }] : []),
    ...(description.length > maxText ? [{ path: 'description', message: `must be at most ${maxText} characters` }] : []),
  ];
  if (errors.length > 0) throw validationFailed(errors);
  return { orgUnitId: input.orgUnitId, severity: input.severity, source: input.source, title, description, linksJson: JSON.stringify(input.links ?? []) };
}

export function incidentOpenedAudit(incident: IncidentView, actor: Actor): AuditInput {
  return { kind: 'incident.opened', actor: actor.id, data: { incidentId: incident.id, incident } };
}

export function toIncidentView(row: IncidentRow): IncidentView {
  return {
    id: row.id,
    orgUnitId: row.org_unit_id,
    severity: row.severity,
    source: row.source,
    title: row.title,
    description: row.description,
    status: row.status,
    resolution: row.resolution,
    links: row.links,
    openedAt: row.opened_at.toISOString(),
    acknowledgedAt: isoTime(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: isoTime(row.resolved_at),
    resolvedBy: row.resolved_by,
    updatedAt: row.updated_at.toISOString(),
  };
}
