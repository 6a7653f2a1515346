import { sql } from 'slonik';
import { z } from 'zod';
import { manualClock, seededRandom } from '../../../engine/kernel/index.js';
import type { EffectClass, RiskLevel } from '../../../engine/tools/index.js';
import { createLedgerService, type LedgerService } from '../../../server/ledger/ledger-service.js';
import { defineTool, type ToolImplementation, type ToolRouter } from '../../../server/tools/tool-implementation.js';
import { ledgerTools } from '../../../server/tools/ledger-tools.js';
import { TransientToolError } from '../../../server/tools/tool-errors.js';
import { createToolRegistry } from '../../../server/tools/tool-registry.js';
import { createToolRouter } from '../../../server/tools/tool-router.js';
import { createGovernanceFixture, founder, startMs, type GovernanceFixture } from '../governance/governance-fixture.js';

/**
 * The tool router over the governance fixture's database, with the ledger tools and a few
 * test tools whose side effect is a row in `tool_effects`, a table of this test schema:
 * counting rows is counting executions.
 */
export type RouterFixture = GovernanceFixture & {
  router: ToolRouter;
  clock: ReturnType<typeof manualClock>;
  ledger: LedgerService;
  /** How many times each key's effect was written, by idempotency key. */
  effects(orgUnitId: string): Promise<ReadonlyMap<string, number>>;
  /** Failures still to throw per key for `test.flaky` (transient) and `test.flaky_db`. */
  flakiness: Map<string, number>;
  /** Delays the retry loop asked for. */
  sleeps: number[];
  installPolicy(orgUnitId: string, name: string, source: string): Promise<void>;
};

const recordInput = z.object({ value: z.number().int(), note: z.string().optional() }).strict();
const recordOutput = z.object({ written: z.number().int() });

async function writeEffect(db: { query: (q: ReturnType<typeof sql.unsafe>) => Promise<unknown> }, orgUnitId: string, key: string, value: number): Promise<void> {
  await db.query(sql.unsafe`INSERT INTO tool_effects (org_unit_id, idempotency_key, value) VALUES (${orgUnitId}, ${key}, ${value})`);
}

export function recordTool(name: string, options: { effect?: EffectClass; risk?: RiskLevel; roles?: ToolImplementation['spec']['allowedRoles'] } = {}) {
  return defineTool({
    spec: {
      name,
      description: 'writes one row to tool_effects',
      input: recordInput,
      output: recordOutput,
      effect: options.effect ?? 'write',
      risk: options.risk ?? 'low',
      allowedRoles: options.roles ?? ['founder', 'operator', 'agent', 'system'],
      timeoutMs: 5_000,
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 },
      idempotency: 'transactional',
      cost: (input) => 5 + input.value,
    },
    precondition: (_context, input) => Promise.resolve(input.note === 'retired' ? 'the product is retired' : undefined),
    async execute(context, input) {
      await writeEffect(context.db, context.orgUnitId, context.idempotencyKey, input.value);
      return { written: input.value };
    },
  });
}

export async function createRouterFixture(): Promise<RouterFixture> {
  const clock = manualClock(startMs);
  const fx = await createGovernanceFixture({ clock });
  await fx.db.pool.query(sql.unsafe`
    CREATE TABLE tool_effects (org_unit_id text NOT NULL, idempotency_key text NOT NULL, value integer NOT NULL, at timestamptz NOT NULL DEFAULT now())`);
  const ledger = createLedgerService({ pool: fx.db.pool, clock: fx.deps.clock, logger: fx.deps.logger });
  const flakiness = new Map<string, number>();
  const sleeps: number[] = [];
  const failFirst = (key: string, error: () => Error) => {
    const left = flakiness.get(key) ?? 0;
    if (left > 0) {
      flakiness.set(key, left - 1);
      throw error();
    }
  };
  const flaky = defineTool({
    ...recordTool('test.flaky'),
    async execute(context, input) {
      // The write goes first so a failure after it shows the transaction rolled it back.
      await writeEffect(context.db, context.orgUnitId, context.idempotencyKey, input.value);
      failFirst(context.idempotencyKey, () => new TransientToolError('the provider answered 503'));
      return { written: input.value };
    },
  });
  const permanent = defineTool({
    ...recordTool('test.rejects'),
    execute: () => Promise.reject(new Error('the provider refused the request')),
  });
  const slow = defineTool({
    ...recordTool('test.slow'),
    spec: { ...recordTool('test.slow').spec, timeoutMs: 50, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } },
    execute: (context) =>
      new Promise<{ written: number }>((_resolve, reject) => {
        context.signal.addEventListener('abort', () => reject(new Error('aborted')));
      }),
  });
  const badOutput = defineTool({
    ...recordTool('test.bad_output'),
    spec: { ...recordTool('test.bad_output').spec, output: recordOutput },
    async execute(context, input) {
      await writeEffect(context.db, context.orgUnitId, context.idempotencyKey, input.value);
      return { written: 'lots' } as unknown as { written: number };
    },
  });
  const simulated = defineTool({
    ...recordTool('test.simulated', { risk: 'medium' }),
    simulate: (_context, input) => Promise.resolve({ wouldWrite: input.value }),
  });
  const registry = createToolRegistry([
    ...ledgerTools,
    recordTool('test.record'),
    recordTool('test.medium', { risk: 'medium' }),
    recordTool('test.read', { effect: 'read' }),
    recordTool('test.people_only', { roles: ['founder', 'operator'] }),
    flaky,
    permanent,
    slow,
    badOutput,
    simulated,
  ]);
  const router = createToolRouter({
    pool: fx.db.pool,
    governance: fx.services,
    audit: fx.audit,
    clock: fx.deps.clock,
    logger: fx.deps.logger,
    registry,
    services: { ledger },
    random: seededRandom('router-test'),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  return {
    ...fx,
    router,
    clock,
    ledger,
    flakiness,
    sleeps,
    async effects(orgUnitId) {
      const rows = await fx.db.pool.any(sql.type(z.object({ idempotency_key: z.string(), n: z.number() }))`
        SELECT idempotency_key, count(*)::int AS n FROM tool_effects WHERE org_unit_id = ${orgUnitId} GROUP BY idempotency_key`);
      return new Map(rows.map((row) => [row.idempotency_key, row.n]));
    },
    async installPolicy(orgUnitId, name, source) {
      const created = await fx.services.policies.createVersion(orgUnitId, name, source, founder);
      await fx.services.policies.activate(orgUnitId, name, created.version, founder);
    },
  };
}
