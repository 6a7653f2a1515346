import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildShopPlan,
  calibrateModels,
  fraudScore,
  modelSeeds,
  rocAuc,
  type CalibrationResult,
  type ModelParams,
} from '../../../engine/twin/index.js';
import { addDays } from '../../../engine/world/simulation.js';
import { selectBackend } from '../../../models/backend.js';
import { inThreadFitter } from '../../../models/fit/in-thread-fitter.js';
import { runMonteCarlo } from '../../../models/kernel/monte-carlo.js';
import { drawNoiseBlock } from '../../../models/noise/noise-block.js';
import { priceOf, priorsFor, runExperimentingShop, shopOn, windowFrom, type ExperimentingShop } from '../../support/calibration-world.js';

/**
 * Calibration against the simulated shop's hidden truth (fixed seeds): fit on 60 days of
 * its events, then forecast 20 weeks the fit never saw and compare with what the world
 * produced. Runs in process (world, fits and the tensor kernel), no database.
 */
const startDate = '2026-01-05';
const trainingDays = 60;
const heldOutWeeks = 20;
const priceSpread = 0.7;
const samples = 200;

let shop: ExperimentingShop;
let calibration: CalibrationResult;
let params: ModelParams;
/** What the tests measured, printed once at the end for the README's figures. */
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  await selectBackend('wasm');
  shop = runExperimentingShop({ seed: 'calibration', products: 80, creators: 16, days: trainingDays + 7 * heldOutWeeks, startDate, priceSpread, experimentDays: trainingDays });
  const state = shopOn(shop.world, addDays(startDate, trainingDays));
  const priors = priorsFor(state);
  const events = shop.events.filter((e) => e.occurredAtMs < Date.parse(`${addDays(startDate, trainingDays)}T00:00:00Z`));
  // The shop's own price list: it knows what it charged on days a product sold nothing.
  const catalogPrice = new Map(shop.world.catalog.products.map((p) => [p.sku, p.priceMinor]));
  const priceList = (sku: string, day: number) => priceOf(shop.world, sku, catalogPrice.get(sku)!, day, priceSpread);
  calibration = await calibrateModels(inThreadFitter, { events, state, window: windowFrom(startDate, trainingDays), holdoutDays: 7, priors, priceList });
  params = { ...priors, ...calibration.params };
}, 120_000);

afterAll(() => {
  process.stdout.write(`calibration quality: ${JSON.stringify(figures)}\n`);
});

describe('calibration against the world’s ground truth', () => {
  it('fits price elasticity within ±15 % of the truth: every category, and most products that sell enough', () => {
    const truth = new Map(shop.world.truth.products.map((p) => [p.sku, p]));
    const fitted = calibration.params.pricing;
    const rows = Object.entries(fitted.elasticityBySku).map(([sku, value]) => {
      const t = truth.get(sku)!;
      return { sku, category: t.category, units: t.baseUnitsPerDay, truth: t.elasticity, error: Math.abs(value - t.elasticity) / Math.abs(t.elasticity) };
    });
    // Products selling five units a day or more at catalog prices: 56 of the 80 here.
    const enough = rows.filter((r) => r.units >= 5);
    const within = enough.filter((r) => r.error <= 0.15).length / enough.length;
    const medianError = enough.map((r) => r.error).sort((a, b) => a - b)[Math.floor(enough.length / 2)]!;
    figures.elasticity = { products: enough.length, within, medianError };
    expect(enough.length).toBeGreaterThanOrEqual(50);
    expect(medianError).toBeLessThanOrEqual(0.1);
    expect(within).toBeGreaterThanOrEqual(0.7);
    // A category's elasticity against the mean of its products' true ones.
    for (const [category, value] of Object.entries(fitted.elasticityByCategory)) {
      const members = rows.filter((r) => r.category === category);
      const trueMean = members.reduce((s, r) => s + r.truth, 0) / members.length;
      expect(Math.abs(value - trueMean) / Math.abs(trueMean), category).toBeLessThanOrEqual(0.15);
    }
  });

  it('forecasts held-out weeks: revenue MAPE within 10 % and the truth inside p5–p95 in at least 85 % of 20 weeks', () => {
    const results = [];
    for (let week = 0; week < heldOutWeeks; week += 1) {
      const first = trainingDays + 7 * week;
      const day = shop.days[first]!;
      // The shop's stock position: what is on the shelf and what its open purchase orders bring.
      const before = shop.days[first - 1]!.state;
      const stock = { ...before.stock };
      for (const order of before.onOrder) stock[order.sku] = (stock[order.sku] ?? 0) + order.quantity;
      const state = shopOn(shop.world, day.summary.date, { stock });
      const plan = buildShopPlan(state, params, [{}], 7);
      const request = { ...plan, seeds: modelSeeds(week + 1), sampleStart: 0, sampleCount: samples };
      const revenue = Array.from(runMonteCarlo(request, drawNoiseBlock(request)).revenueMinor).sort((a, b) => a - b);
      const mean = revenue.reduce((s, v) => s + v, 0) / samples;
      const p5 = revenue[Math.floor(samples * 0.05)]!;
      const p95 = revenue[Math.ceil(samples * 0.95) - 1]!;
      const actual = shop.days.slice(first, first + 7).reduce((s, d) => s + d.truth.goodRevenueMinor, 0);
      results.push({ week, mean, p5, p95, actual, error: Math.abs(mean - actual) / actual, inside: actual >= p5 && actual <= p95 });
    }
    const mape = results.reduce((s, r) => s + r.error, 0) / results.length;
    const coverage = results.filter((r) => r.inside).length / results.length;
    figures.forecast = { mape, coverage };
    expect(mape).toBeLessThanOrEqual(0.1);
    expect(coverage).toBeGreaterThanOrEqual(0.85);
  });

  it('scores the world’s orders: fraud ROC AUC at least 0.90 on orders labelled by their chargebacks', () => {
    const scoring = calibration.params.fraud.scoring;
    const later = shop.days.slice(trainingDays, trainingDays + 28);
    const fraudulent = new Set(later.flatMap((d) => d.truth.fraudulentOrderIds));
    const orders = later.flatMap((d) => d.events.flatMap((e) => (e.type === 'order.placed' ? [e.payload] : [])));
    const auc = rocAuc(orders.map((o) => fraudScore(scoring, o.features)), orders.map((o) => (fraudulent.has(o.orderId) ? 1 : 0)));
    figures.fraud = { auc, orders: orders.length, frauds: fraudulent.size };
    expect(auc).toBeGreaterThanOrEqual(0.9);
  });
});
