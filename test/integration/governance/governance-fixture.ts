import pino from 'pino';
import { sql } from 'slonik';
import { z } from 'zod';
import { upsertOrgUnit } from '../../../db/queries/org-units.js';
import type { Action, Actor } from '../../../engine/governance/index.js';
import { manualClock, type Clock } from '../../../engine/kernel/index.js';
import type { StreamEventType, StreamPayload } from '../../../server/contracts/stream-events.js';
import { createAuditWriter, type AuditWriter } from '../../../server/governance/audit-writer.js';
import type { GovernanceDeps } from '../../../server/governance/governance-deps.js';
import { createGovernanceServices, type GovernanceOptions, type GovernanceServices } from '../../../server/governance/governance-services.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

/**
 * The governance services on a test database of their own, with a clock the test drives
 * and the live stream replaced by a list of what was published.
 */
export type Published = { orgUnitId: string; type: StreamEventType; payload: StreamPayload };

export type GovernanceFixture = {
  db: TestDatabase;
  audit: AuditWriter;
  services: GovernanceServices;
  published: Published[];
  deps: GovernanceDeps;
  /** Another process on the same database: its own caches, writer and governor. */
  secondProcess(options?: GovernanceOptions): GovernanceServices;
  newOrgUnit(): Promise<string>;
  close(): Promise<void>;
};

export const startMs = Date.UTC(2025, 5, 1, 12);

export async function createGovernanceFixture(
  options: { clock?: Clock; poolSize?: number; governance?: GovernanceOptions } = {},
): Promise<GovernanceFixture> {
  const db = await createTestDatabase({ poolSize: options.poolSize });
  const clock = options.clock ?? manualClock(startMs);
  const logger = pino({ level: 'silent' });
  const published: Published[] = [];
  const publish = (orgUnitId: string, type: StreamEventType, payload: StreamPayload) => {
    published.push({ orgUnitId, type, payload });
    return Promise.resolve();
  };
  const writers: AuditWriter[] = [];
  const makeDeps = (): GovernanceDeps => {
    const audit = createAuditWriter(db.pool, { clock });
    writers.push(audit);
    return { pool: db.pool, audit, publish, clock, logger };
  };
  const deps = makeDeps();
  let orgCounter = 0;
  return {
    db,
    audit: deps.audit,
    services: createGovernanceServices(deps, options.governance),
    published,
    deps,
    secondProcess: (governance) => createGovernanceServices(makeDeps(), governance),
    async newOrgUnit() {
      orgCounter += 1;
      const id = `org_gov_${orgCounter}`;
      await upsertOrgUnit(db.pool, { id, name: id });
      return id;
    },
    async close() {
      for (const writer of writers) await writer.close();
      await db.close();
    },
  };
}

export const founder: Actor = { id: 'founder-1', kind: 'user', role: 'founder' };
export const otherFounder: Actor = { id: 'founder-2', kind: 'user', role: 'founder' };
export const operator: Actor = { id: 'operator-1', kind: 'user', role: 'operator' };
export const otherOperator: Actor = { id: 'operator-2', kind: 'user', role: 'operator' };
export const viewer: Actor = { id: 'viewer-1', kind: 'user', role: 'viewer' };
export const agent: Actor = { id: 'agent-pricing', kind: 'agent', role: 'agent' };

/** A refund big enough that the built-in large_refund_approval asks a person. */
export function largeRefund(orgUnitId: string, overrides: Partial<Action> = {}): Action {
  return {
    orgUnitId,
    actor: agent,
    tool: 'refunds.issue',
    input: { orderId: 'o_1', amountMinor: 75_000, currency: 'USD' },
    context: {},
    autonomous: true,
    ...overrides,
  };
}

/** A price change the built-ins allow (margin well above the floor, and little chance of falling below it). */
export function priceChange(orgUnitId: string, overrides: Partial<Action> = {}): Action {
  return {
    orgUnitId,
    actor: agent,
    tool: 'pricing.set_price',
    input: { productId: 'p_1', priceMinor: 2_499, currentPriceMinor: 2_299, costMinor: 1_000 },
    context: {},
    projected: { marginPercent: 0.4, cashRunwayDays: 120 },
    risk: { pMarginBelowFloor: 0.01 },
    autonomous: true,
    ...overrides,
  };
}

/** What `fn` rejected with; fails the test if it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; status?: number; extras?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; status?: number };
  }
  throw new Error('expected a rejection');
}

const countRow = z.object({ n: z.number().int() });

export async function auditKinds(db: TestDatabase, orgUnitId: string): Promise<string[]> {
  return [
    ...(await db.pool.anyFirst(sql.type(z.object({ kind: z.string() }))`
      SELECT kind FROM audit_log WHERE org_unit_id = ${orgUnitId} ORDER BY seq`)),
  ];
}

export async function countWhere(db: TestDatabase, table: 'verdicts' | 'incidents' | 'approvals' | 'policies', orgUnitId: string): Promise<number> {
  return db.pool.oneFirst(sql.type(countRow)`SELECT count(*)::int AS n FROM ${sql.identifier([table])} WHERE org_unit_id = ${orgUnitId}`);
}
