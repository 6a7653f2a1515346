import { describe, expect, it } from 'vitest';
import { fraudModelSchema, fraudSignals, learnFromOutcomes, priorFraudModel, scoreOrder, thresholdFromGoodOrders } from '../../../engine/fraud/index.js';

const ring = fraudSignals({ accountAgeDays: 1, customerOrders24h: 5, countryMismatch: true, hourOfDay: 3, previousOrders: 0, paymentMethod: 'card' });
const regular = fraudSignals({ accountAgeDays: 700, customerOrders24h: 1, countryMismatch: false, hourOfDay: 19, previousOrders: 12, paymentMethod: 'wallet' });

describe('the fraud model', () => {
  it('reads missing features as their safest value', () => {
    expect(fraudSignals({})).toEqual({ newAccount: 0, accountAgeLog: Math.log1p(365), velocity: 0, countryMismatch: 0, smallHours: 0, firstOrder: 0, cardPayment: 0 });
  });

  it('blocks a fraud ring order from the prior alone and says which signals drove it', () => {
    const scored = scoreOrder(priorFraudModel, ring);
    expect(scored.block).toBe(true);
    expect(scored.drivers).toEqual(['velocity', 'countryMismatch', 'newAccount']);
    expect(scoreOrder(priorFraudModel, regular).block).toBe(false);
  });

  it('moves toward what the labels say, one step per outcome', () => {
    const learnt = learnFromOutcomes(priorFraudModel, [{ signals: ring, fraud: false }]);
    expect(learnt.version).toBe(priorFraudModel.version + 1);
    expect(learnt.learnt).toEqual({ fraud: 0, good: 1 });
    expect(scoreOrder(learnt, ring).score).toBeLessThan(scoreOrder(priorFraudModel, ring).score);
    expect(learnFromOutcomes(priorFraudModel, [])).toBe(priorFraudModel);
  });

  it('sets the threshold so that at most 2% of recent good orders would be blocked, once it has enough of them', () => {
    const goods = [...Array.from({ length: 490 }, () => regular), ...Array.from({ length: 10 }, () => ring)];
    const tuned = thresholdFromGoodOrders(priorFraudModel, goods);
    const blocked = goods.filter((signals) => scoreOrder(tuned, signals).block).length;
    expect(blocked).toBeLessThanOrEqual(10);
    expect(thresholdFromGoodOrders(priorFraudModel, goods.slice(0, 100))).toBe(priorFraudModel);
  });

  it('refuses a stored model that does not parse', () => {
    expect(fraudModelSchema.safeParse({ ...priorFraudModel, threshold: 1.5 }).success).toBe(false);
    expect(fraudModelSchema.parse(JSON.parse(JSON.stringify(priorFraudModel)))).toEqual(priorFraudModel);
  });
});
