import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../engine/governance/index.js';
import type { ToolCall } from '../../../engine/tools/index.js';
import { agent, operator } from '../governance/governance-fixture.js';
import { createRouterFixture, type RouterFixture } from './router-fixture.js';

let fx: RouterFixture;
let orgUnitId: string;
let keyCounter = 0;
const system: Actor = { id: 'runtime', kind: 'system', role: 'system' };

beforeAll(async () => {
  fx = await createRouterFixture();
  orgUnitId = await fx.newOrgUnit();
  await fx.services.policies.installBuiltins(orgUnitId);
});
afterAll(async () => fx.close());

function call(tool: string, input: unknown, overrides: Partial<ToolCall> = {}): ToolCall {
  keyCounter += 1;
  return { orgUnitId, tool, input, actor: operator, mode: 'execute', idempotencyKey: `ledger-${keyCounter}`, ...overrides };
}

const earning = (amountMinor: number) => [
  { account: 'platform:cash', currency: 'USD', amountMinor },
  { account: 'creator:42:payable', currency: 'USD', amountMinor: -amountMinor },
];

describe('ledger tools through the router', () => {
  it('posts a transfer once per idempotency key, its transfer key derived from the call', async () => {
    const request = call('ledger.transfer', { legs: earning(1000), description: 'an earning' });
    const first = await fx.router.call(request);
    expect(first).toMatchObject({ status: 'succeeded', output: { transferKey: `tool:${request.idempotencyKey}`, status: 'posted' } });
    expect(await fx.router.call(request)).toMatchObject({ status: 'succeeded', duplicate: true });
    expect((await fx.ledger.balance(orgUnitId, 'creator:42:payable')).postedMinor).toBe(-1000);
  });

  it('runs a keyed action again once a dead call left it running past its time budget, and never sooner', async () => {
    const legs = [{ account: 'platform:cash', currency: 'USD', amountMinor: 700 }, { account: 'creator:77:payable', currency: 'USD', amountMinor: -700 }];
    const request = call('ledger.transfer', { legs, description: 'left running by a crash' });
    const first = await fx.router.call(request);
    if (first.status !== 'succeeded') throw new Error(`unexpected ${first.status}`);
    const balance = async () => (await fx.ledger.balance(orgUnitId, 'creator:77:payable')).postedMinor;
    const before = await balance();
    // As a process killed between its call to the ledger and recording the outcome leaves it.
    const setRunning = (ageMs: number) =>
      fx.db.pool.query(sql.unsafe`UPDATE actions SET status = 'running', output = NULL, completed_at = NULL, created_at = ${new Date(fx.clock.now() - ageMs).toISOString()}::timestamptz
        WHERE id = ${first.actionId}`);
    await setRunning(0);
    expect(await fx.router.call(request)).toMatchObject({ status: 'failed', code: 'TOOL_IN_PROGRESS', transient: true });
    await setRunning(10 * 60_000);
    const again = await fx.router.call(request);
    expect(again, JSON.stringify(again)).toMatchObject({ status: 'succeeded', output: { transferKey: `tool:${request.idempotencyKey}` } });
    // The ledger answered the first transfer: the money moved once.
    expect(await balance()).toBe(before);
  });

  it('refuses amounts that are not whole minor units, naming the leg', async () => {
    const result = await fx.router.call(call('ledger.transfer', { legs: [{ account: 'platform:cash', currency: 'USD', amountMinor: 10.5 }, { account: 'revenue:sales', currency: 'USD', amountMinor: -10.5 }] }));
    expect(result).toMatchObject({ status: 'denied', code: 'VALIDATION_FAILED' });
    expect(result.status === 'denied' && result.message).toContain('legs.0.amountMinor');
  });

  it('will not move a payout through ledger.transfer: payouts go through payouts.post', async () => {
    const result = await fx.router.call(call('ledger.transfer', { legs: earning(-500) }));
    expect(result).toMatchObject({ status: 'denied', code: 'VALIDATION_FAILED' });
    expect(result.status === 'denied' && result.message).toContain('payouts.post');
  });

  it('judges payouts.post by the payout invariants and policies: refused without reconciliation and a risk check', async () => {
    const result = await fx.router.call(call('payouts.post', { payee: 'creator:42:payable', amountMinor: 500, currency: 'USD' }, { actor: system, workflow: { runId: '00000000-0000-4000-8000-000000000002', step: 'pay', autonomy: 'a2_supervised' } }));
    expect(result).toMatchObject({ status: 'denied', code: 'GOV_DENIED' });
    expect(result.status === 'denied' && result.message).toContain('no payout without a reconciled ledger');
    expect((await fx.ledger.balance(orgUnitId, 'creator:42:payable')).postedMinor).toBe(-1000);
  });

  it('pays out with every fact the governor needs, once', async () => {
    const context = { reconciled: true, riskChecked: true, collectedNetMinor: 10_000, reservesMinor: 0, openDisputesMinor: 0, projected: { cashRunwayDays: 120 } };
    const request = call('payouts.post', { payee: 'creator:42:payable', amountMinor: 400, currency: 'USD' }, { context });
    const result = await fx.router.call(request);
    expect(result).toMatchObject({ status: 'succeeded', output: { legs: expect.arrayContaining([{ account: 'creator:42:payable', currency: 'USD', amountMinor: 400 }]) } });
    await fx.router.call(request);
    expect((await fx.ledger.balance(orgUnitId, 'creator:42:payable')).postedMinor).toBe(-600);
  });

  it('keeps ledger writes from agents: the ledger tools are for people and the runtime', async () => {
    expect(await fx.router.call(call('ledger.transfer', { legs: earning(1) }, { actor: agent }))).toMatchObject({ status: 'denied', code: 'TOOL_FORBIDDEN' });
  });

  it('holds, posts and reverses with keyed tools; a permanent ledger refusal is a failed call, not retried', async () => {
    const hold = call('ledger.transfer', { transferKey: 'hold-1', legs: earning(300), holdUntil: '2025-06-02T12:00:00Z' });
    expect(await fx.router.call(hold)).toMatchObject({ status: 'succeeded', output: { status: 'pending', kind: 'hold' } });
    expect(await fx.router.call(call('ledger.post_hold', { holdKey: 'hold-1' }))).toMatchObject({ status: 'succeeded', output: { status: 'posted' } });
    const reversal = await fx.router.call(call('ledger.reverse', { transferKey: 'hold-1', reversalKey: 'hold-1-back' }));
    expect(reversal).toMatchObject({ status: 'succeeded', output: { kind: 'reversal', transferKey: 'hold-1-back' } });
    const again = await fx.router.call(call('ledger.void_hold', { holdKey: 'hold-1' }));
    expect(again).toMatchObject({ status: 'failed', code: 'LEDGER_HOLD_NOT_PENDING', transient: false, attempts: 1 });
  });

  // The ledger service writes on a connection of its own while the caller holds its transaction's: PostgreSQL only.
  it.skipIf(!process.env.DATABASE_URL)("runs a keyed ledger tool from inside a caller's transaction", async () => {
    const request = call('ledger.transfer', { legs: earning(50) }, { actor: system });
    const result = await fx.db.pool.transaction((tx) => fx.router.call(request, { db: tx }));
    expect(result).toMatchObject({ status: 'succeeded', output: { transferKey: `tool:${request.idempotencyKey}` } });
    expect(await fx.router.call(request)).toMatchObject({ status: 'succeeded', duplicate: true });
  });

  it('dry-runs a transfer without touching the ledger', async () => {
    const before = await fx.ledger.trialBalance(orgUnitId);
    expect(await fx.router.call(call('ledger.transfer', { legs: earning(999) }, { mode: 'dry_run' }))).toMatchObject({ status: 'dry_run', gate: 'execute' });
    expect(await fx.ledger.trialBalance(orgUnitId)).toEqual(before);
  });

  it('lists every ledger tool with its effect class and risk', () => {
    const specs = new Map(fx.router.specs().map((spec) => [spec.name, spec]));
    for (const name of ['ledger.transfer', 'ledger.post_hold', 'ledger.void_hold', 'ledger.reverse', 'ledger.open_dispute', 'ledger.resolve_dispute', 'ledger.import_statement', 'ledger.mark_reconciled', 'payouts.post']) {
      expect(specs.get(name)?.idempotency, name).toBe('keyed');
    }
    expect(specs.get('ledger.transfer')).toMatchObject({ effect: 'money_moving', risk: 'high' });
    expect(specs.get('ledger.import_statement')).toMatchObject({ effect: 'write', risk: 'medium' });
  });
});
