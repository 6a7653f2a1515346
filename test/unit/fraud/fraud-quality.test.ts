import { describe, expect, it } from 'vitest';
import {
  clearingWindowDays,
  fraudSignals,
  learnRound,
  priorFraudModel,
  reviewBlockedOrder,
  scoreOrder,
  thresholdSampleSize,
  type FraudModel,
  type FraudOutcome,
  type FraudSignals,
} from '../../../engine/fraud/index.js';
import { createWorld, simulateDays } from '../../../engine/world/simulation.js';
import { fraudReviewDelayMs } from '../../../machines/workflows/fraud-detection.js';

/**
 * Fraud detection's quality against the world's ground truth: 30 simulated days (fixed
 * seeds), every order.placed scored and blocked as wf_fraud_detection does, every
 * chargeback learnt as fraud.learn_chargeback does (quiet orders past the clearing window
 * learnt as good, the threshold set on the recent good ones), every blocked order reviewed
 * after the review window as fraud.review_order does. The same engine functions the tools
 * call, in the order the runtime calls them, without the database (some 60,000 orders).
 */

type Tracked = { signals: FraudSignals; placedAt: number; blocked: boolean; labelled: boolean; chargedBack: boolean };
const dayMs = 86_400_000;

function runMonth(seed: number) {
  const world = createWorld({ seed });
  const month = simulateDays(world, { startDate: '2026-01-05', days: 30 });
  const fraudulent = new Set(month.days.flatMap((day) => day.truth.fraudulentOrderIds));
  let model: FraudModel = priorFraudModel;
  const orders = new Map<string, Tracked>();
  const unlabelled: string[] = [];
  const goodSample: FraudSignals[] = [];
  const reviews: { orderId: string; due: number }[] = [];
  let released = 0;

  const reviewDue = (now: number) => {
    while (reviews.length > 0 && (reviews[0]?.due ?? Infinity) <= now) {
      const { orderId } = reviews.shift()!;
      const order = orders.get(orderId)!;
      const verdict = reviewBlockedOrder({ status: 'blocked', chargedBack: order.chargedBack, blockedNow: scoreOrder(model, order.signals).block });
      if (verdict === 'clear') {
        order.blocked = false;
        released += 1;
      }
    }
  };

  for (const event of month.days.flatMap((day) => day.events)) {
    const now = Date.parse(event.occurredAt);
    reviewDue(now);
    if (event.type === 'order.placed') {
      const signals = fraudSignals(event.payload.features);
      const blocked = scoreOrder(model, signals).block;
      orders.set(event.payload.orderId, { signals, placedAt: now, blocked, labelled: false, chargedBack: false });
      unlabelled.push(event.payload.orderId);
      if (blocked) reviews.push({ orderId: event.payload.orderId, due: now + fraudReviewDelayMs });
    } else if (event.type === 'chargeback.received') {
      const outcomes: FraudOutcome[] = [];
      const cutoff = now - clearingWindowDays * dayMs;
      while (unlabelled.length > 0 && orders.get(unlabelled[0]!)!.placedAt < cutoff) {
        const order = orders.get(unlabelled.shift()!)!;
        if (order.labelled) continue;
        order.labelled = true;
        goodSample.push(order.signals);
        if (!order.blocked) outcomes.push({ signals: order.signals, fraud: false });
      }
      const charged = orders.get(event.payload.orderId);
      if (charged && !charged.chargedBack) {
        charged.chargedBack = true;
        charged.labelled = true;
        outcomes.push({ signals: charged.signals, fraud: true });
      }
      model = learnRound(model, { outcomes, cleared: goodSample.slice(-thresholdSampleSize).reverse() });
    }
  }
  let fraudBlocked = 0;
  let goodBlocked = 0;
  for (const [orderId, order] of orders) {
    if (!order.blocked) continue;
    if (fraudulent.has(orderId)) fraudBlocked += 1;
    else goodBlocked += 1;
  }
  const goodOrders = orders.size - fraudulent.size;
  return { orders: orders.size, fraud: fraudulent.size, fraudBlockedShare: fraudBlocked / fraudulent.size, goodBlockedShare: goodBlocked / goodOrders, released, model };
}

describe('fraud detection over 30 simulated days of the world', () => {
  it.each([7, 11])('seed %i: blocks at least 80% of fraudulent orders and at most 2% of good ones, and learns from the chargebacks', (seed) => {
    const result = runMonth(seed);
    console.info(`fraud quality, seed ${seed}: ${JSON.stringify({ ...result, model: { version: result.model.version, threshold: result.model.threshold, learnt: result.model.learnt } })}`);
    expect(result.fraud).toBeGreaterThan(300);
    expect(result.fraudBlockedShare).toBeGreaterThanOrEqual(0.8);
    expect(result.goodBlockedShare).toBeLessThanOrEqual(0.02);
    // It learnt: hundreds of chargebacks and thousands of cleared orders moved the model and its threshold.
    expect(result.model.learnt.fraud).toBeGreaterThan(200);
    expect(result.model.learnt.good).toBeGreaterThan(10_000);
    expect(result.model.threshold).not.toBe(priorFraudModel.threshold);
  }, 60_000);
});
