import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolCall, ToolCallResult } from '../../../engine/tools/index.js';
import { operator } from '../governance/governance-fixture.js';
import { createRouterFixture, type RouterFixture } from './router-fixture.js';

let fx: RouterFixture;

beforeAll(async () => {
  fx = await createRouterFixture();
});
afterAll(async () => fx.close());

const request = (orgUnitId: string, key: string, value: number): ToolCall => ({
  orgUnitId,
  tool: 'test.record',
  input: { value },
  actor: operator,
  mode: 'execute',
  idempotencyKey: key,
});

/** What a caller compares between a first outcome and a repeat: everything but the duplicate flag. */
const settled = (result: ToolCallResult) => ({ ...result, duplicate: undefined });

describe('idempotency keys', () => {
  it('executes each key at most once in any sequence of calls with repeated keys, and answers repeats with the first outcome', { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), value: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 12 }), async (calls) => {
        const orgUnitId = await fx.newOrgUnit();
        const first = new Map<string, { value: number; result: ToolCallResult }>();
        for (const { key, value } of calls) {
          const result = await fx.router.call(request(orgUnitId, key, value));
          const earlier = first.get(key);
          if (!earlier) {
            expect(result).toMatchObject({ status: 'succeeded', duplicate: false, output: { written: value } });
            first.set(key, { value, result });
          } else if (earlier.value === value) {
            expect(result.duplicate).toBe(true);
            expect(settled(result)).toEqual(settled(earlier.result));
          } else {
            expect(result).toMatchObject({ status: 'denied', code: 'IDEMPOTENCY_CONFLICT' });
          }
        }
        const effects = await fx.effects(orgUnitId);
        expect([...effects.keys()].sort()).toEqual([...first.keys()].sort());
        for (const count of effects.values()) expect(count).toBe(1);
      }),
      { numRuns: 15 },
    );
  });

  it('runs 10 concurrent calls with one key once; the others answer with the first outcome or that it is still running', async () => {
    const orgUnitId = await fx.newOrgUnit();
    const results = await Promise.all(Array.from({ length: 10 }, () => fx.router.call(request(orgUnitId, 'same', 5))));
    expect(results.filter((r) => !r.duplicate)).toEqual([expect.objectContaining({ status: 'succeeded', output: { written: 5 } })]);
    const owner = results.find((r) => !r.duplicate);
    for (const repeat of results.filter((r) => r.duplicate)) {
      expect(repeat.actionId).toBe(owner?.actionId);
      expect(repeat.status === 'succeeded' || (repeat.status === 'failed' && repeat.code === 'TOOL_IN_PROGRESS' && repeat.transient)).toBe(true);
    }
    expect((await fx.effects(orgUnitId)).get('same')).toBe(1);
    const again = await fx.router.call(request(orgUnitId, 'same', 5));
    expect(again).toMatchObject({ status: 'succeeded', duplicate: true, actionId: owner?.actionId });
  });

  it('binds a key to the mode too: a dry run does not let the same key execute later', async () => {
    const orgUnitId = await fx.newOrgUnit();
    expect(await fx.router.call({ ...request(orgUnitId, 'k', 1), mode: 'dry_run' })).toMatchObject({ status: 'dry_run', gate: 'execute' });
    expect(await fx.router.call(request(orgUnitId, 'k', 1))).toMatchObject({ status: 'denied', code: 'IDEMPOTENCY_CONFLICT' });
    expect((await fx.effects(orgUnitId)).size).toBe(0);
  });
});
