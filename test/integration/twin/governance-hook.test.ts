import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { governanceFacts, scenarioSchema } from '../../../engine/twin/index.js';
import type { Actor } from '../../../engine/governance/index.js';
import { createAppFixture, type AppFixture } from '../../support/app-fixture.js';
import { seedWorldShop } from '../../support/twin-world.js';

/**
 * The governance hook (DESIGN §3): a policy that gates a price change on the twin's
 * forecast — `deny when risk.pMarginBelowFloor > 0.05` — denies on a real forecast and lets
 * a safe one through.
 */
let f: AppFixture;
const founder: Actor = { id: 'founder-1', kind: 'user', role: 'founder' };
const agent: Actor = { id: 'pricing-agent', kind: 'agent', role: 'agent' };

beforeAll(async () => {
  f = await createAppFixture();
  await seedWorldShop(f.db.pool, f.orgUnitId, { seed: 'governed', products: 20, creators: 4, days: 10, startDate: '2026-05-04' });
  const policies = f.built.governance.policies;
  const source = 'policy margin_risk\n  on pricing.set_price\n  deny when risk.pMarginBelowFloor > 0.05\n  because "the twin gives the margin too much chance of falling below the floor"\n';
  const created = await policies.createVersion(f.orgUnitId, 'margin_risk', source, founder);
  await policies.activate(f.orgUnitId, 'margin_risk', created.version, founder);
}, 120_000);
afterAll(async () => {
  await f.close();
});

async function forecast(priceChange: number) {
  return f.built.twin.simulate('pricing-agent', f.orgUnitId, { scenario: scenarioSchema.parse({ changes: { priceChange }, duration: 7 }), samples: 64 });
}

async function proposePrice(facts: ReturnType<typeof governanceFacts>, key: string) {
  return f.built.tools.call({
    orgUnitId: f.orgUnitId,
    tool: 'pricing.set_price',
    input: { productId: f.productId, priceMinor: 5200 },
    actor: agent,
    mode: 'dry_run',
    idempotencyKey: key,
    context: facts,
  });
}

describe('a policy on the twin’s forecast', () => {
  it('denies a price change when the forecast gives the margin more than a 5 % chance of falling below the floor', async () => {
    const risky = await forecast(-50);
    expect(risky.risks.pMarginBelowFloor).toBeGreaterThan(0.05);
    const result = await proposePrice(governanceFacts(risky), 'risky-price');
    expect(result).toMatchObject({ status: 'denied', code: 'GOV_DENIED' });
    expect(result.status === 'denied' ? result.message : '').toContain('margin_risk');
  });

  it('lets the same change through on a forecast that keeps the margin safe', async () => {
    const safe = await forecast(5);
    expect(safe.risks.pMarginBelowFloor).toBeLessThanOrEqual(0.05);
    const result = await proposePrice(governanceFacts(safe), 'safe-price');
    expect(result.status).toBe('dry_run');
  });

  it('fails closed when the forecast is missing: the policy cannot read what it gates on', async () => {
    const result = await proposePrice({ projected: { marginPercent: 0.4 }, risk: {} }, 'no-forecast');
    expect(result).toMatchObject({ status: 'denied', code: 'GOV_DENIED' });
  });
});
