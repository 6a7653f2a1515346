import pino from 'pino';
import type { DatabasePool } from 'slonik';
import { describe, expect, it } from 'vitest';
import type { PolicyRow } from '../../../db/queries/policies.js';
import { builtinPolicies, type Action } from '../../../engine/governance/index.js';
import { manualClock } from '../../../engine/kernel/index.js';
import { createPolicySets, requiresPolicy } from '../../../server/governance/policy-sets.js';

function row(name: string, version: number, status: PolicyRow['status'], source: string): PolicyRow {
  return {
    id: `00000000-0000-4000-8000-${String(version).padStart(6, '0')}${name.length.toString().padStart(6, '0')}`,
    org_unit_id: 'org_a',
    name,
    version,
    source,
    source_sha256: '0'.repeat(64),
    status,
    builtin: false,
    created_by: 'founder-1',
    created_at: new Date(0),
    activated_at: null,
  };
}

const floor = (percent: number) =>
  `policy margin_floor\n  on pricing.set_price\n  deny when projected.marginPercent < ${percent / 100}\n  because "below ${percent}%"\n`;

function fakeDatabase(initial: PolicyRow[]) {
  let rows = initial;
  let reads = 0;
  const pool = {
    any() {
      reads += 1;
      return Promise.resolve(rows);
    },
  } as unknown as DatabasePool;
  return { pool, set: (next: PolicyRow[]) => (rows = next), reads: () => reads };
}

const price = (marginPercent: number): Action => ({
  orgUnitId: 'org_a',
  actor: { id: 'a', kind: 'agent', role: 'agent' },
  tool: 'pricing.set_price',
  input: {},
  context: {},
  projected: { marginPercent },
  autonomous: true,
});

describe('policy sets', () => {
  it('compiles each version once and keeps the same sets while the versions do not change', async () => {
    const active = row('margin_floor', 1, 'active', floor(15));
    const db = fakeDatabase([active]);
    const clock = manualClock(0);
    const sets = createPolicySets(db.pool, { clock, logger: pino({ level: 'silent' }), ttlMs: 1000 });
    const first = await sets.get('org_a');
    expect(await sets.get('org_a')).toBe(first);
    clock.advance(1000);
    const reloaded = await sets.get('org_a');
    expect(db.reads()).toBe(2);
    expect(reloaded).toBe(first);
    expect(reloaded.enforced.policies[0]).toBe(first.enforced.policies[0]);
    expect(reloaded.shadow).toBeUndefined();

    // A shadow version joins: the active set keeps its compiled policy, the shadow set swaps in the new version.
    db.set([active, row('margin_floor', 2, 'shadow', floor(25))]);
    sets.invalidate('org_a');
    const withShadow = await sets.get('org_a');
    expect(withShadow.enforced.policies[0]).toBe(first.enforced.policies[0]);
    expect(withShadow.enforced.evaluate(price(0.2)).outcome).toBe('allow');
    expect(withShadow.shadow?.evaluate(price(0.2)).outcome).toBe('deny');
    expect(withShadow.shadow?.policies.map((p) => p.version)).toEqual([2]);
  });

  it('requires a policy for exactly the tools a built-in covers', () => {
    expect(builtinPolicies).toHaveLength(5);
    for (const tool of ['pricing.set_price', 'payouts.post', 'payouts.schedule', 'ads.set_budget', 'refunds.issue']) expect(requiresPolicy(tool)).toBe(true);
    for (const tool of ['content.publish', 'ads.pause', 'pricing.read', 'governance.approve']) expect(requiresPolicy(tool)).toBe(false);
  });
});
