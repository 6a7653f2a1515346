import type { Logger } from 'pino';
import type { DatabasePool } from 'slonik';
import { findOrgUnit } from '../../db/queries/org-units.js';
import { upsertPrincipal } from '../../db/queries/principals.js';
import type { Principal } from '../auth/principal.js';
import type { EventIngestion } from '../ingestion/event-ingestion.js';
import { inProcessSink } from './event-sinks.js';
import { createWorld, defaultPayoutEveryDays, type World } from '../../engine/world/simulation.js';
import { databaseLevers } from './world-levers.js';
import { createWorldRunner, type WorldRunner, type WorldRunnerOptions } from './world-runner.js';

/** The principal the world posts as: an agent of its org unit, as a real shop's integration would be. */
export async function worldPrincipal(pool: DatabasePool, orgUnitId: string): Promise<Principal> {
  const row = await upsertPrincipal(pool, { orgUnitId, name: 'world', role: 'agent' });
  return { id: row.id, name: row.name, kind: row.kind, role: row.role, orgUnitId, via: { kind: 'api_token', tokenId: 'in-process' } };
}

/**
 * What a world needs to feed a server from inside its process: the levers it reads from the
 * database and a sink posting through the ingestion service, as the world's principal.
 */
export async function inProcessShop(deps: {
  pool: DatabasePool;
  ingestion: EventIngestion;
  orgUnitId: string;
  world: World;
  payoutEveryDays: number;
}): Promise<Pick<WorldRunnerOptions, 'levers' | 'sink'>> {
  const { pool, orgUnitId, world } = deps;
  return {
    levers: databaseLevers(pool, { orgUnitId, world, payoutEveryDays: deps.payoutEveryDays }),
    sink: inProcessSink(deps.ingestion, await worldPrincipal(pool, orgUnitId)),
  };
}

/**
 * The simulated shop feeding a running server from inside its process: one simulated day
 * every `msPerDay`, starting today, through the same ingestion service as a request. Null
 * when the org unit does not exist (a server started without its seed has no shop to run).
 */
export async function startLiveWorld(deps: {
  pool: DatabasePool;
  ingestion: EventIngestion;
  logger: Logger;
  orgUnitId: string;
  seed: string;
  msPerDay: number;
  now: () => number;
}): Promise<WorldRunner | null> {
  const { pool, orgUnitId } = deps;
  if (!(await findOrgUnit(pool, orgUnitId))) return null;
  const world = createWorld({ seed: deps.seed });
  const runner = createWorldRunner({
    world,
    ...(await inProcessShop({ pool, ingestion: deps.ingestion, orgUnitId, world, payoutEveryDays: defaultPayoutEveryDays })),
    startDate: new Date(deps.now()).toISOString().slice(0, 10),
    msPerDay: deps.msPerDay,
  });
  runner.onDay(({ summary, stored }) => deps.logger.info({ world: world.seed, date: summary.date, orders: summary.orders, stored }, 'world: a simulated day posted'));
  runner.start();
  runner.finished().catch((error: unknown) => deps.logger.error({ err: error }, 'world: stopped by an error'));
  return runner;
}
