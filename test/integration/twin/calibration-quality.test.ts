import { beforeAll, describe, expect, it } from 'vitest';
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
const priceSpread = 0.4;
const samples = 200;

let shop: ExperimentingShop;
let calibration: CalibrationResult;
let params: ModelParams;
let calibrateMs = 0;

beforeAll(async () => {
  await selectBackend('wasm');
  shop = runExperimentingShop({ seed: 'calibration', products: 80, creators: 16, days: trainingDays + 7 * heldOutWeeks, startDate, priceSpread, priceDays: 1 });
  const state = shopOn(shop.world, addDays(startDate, trainingDays));
  const priors = priorsFor(state);
  const events = shop.events.filter((e) => e.occurredAtMs < Date.parse(`${addDays(startDate, trainingDays)}T00:00:00Z`));
  const started = performance.now();
  // The shop's own price list: it knows what it charged on days a product sold nothing.
  const catalogPrice = new Map(shop.world.catalog.products.map((p) => [p.sku, p.priceMinor]));
  const priceList = (sku: string, day: number) => priceOf(shop.world, sku, catalogPrice.get(sku)!, day, priceSpread);
  calibration = await calibrateModels(inThreadFitter, { events, state, window: windowFrom(startDate, trainingDays), holdoutDays: 7, priors, priceList });
  calibrateMs = performance.now() - started;
  params = { ...priors, ...calibration.params };
}, 120_000);

describe('calibration against the world’s ground truth', () => {
  it('fits each product’s price elasticity within ±15 % of the truth where sales say enough', () => {
    const truth = new Map(shop.world.truth.products.map((p) => [p.sku, p]));
    const rows = Object.entries(calibration.params.pricing.elasticityBySku).map(([sku, fitted]) => {
      const t = truth.get(sku)!;
      return { sku, fitted, truth: t.elasticity, units: t.baseUnitsPerDay, se: calibration.elasticityStandardError[sku]!, error: Math.abs(fitted - t.elasticity) / Math.abs(t.elasticity) };
    });
    const enough = rows.filter((r) => r.units >= 5);
    console.log(JSON.stringify({ calibrateMs, enough: enough.length, of: rows.length, within: enough.filter((r) => r.error <= 0.15).length, worst: enough.sort((a, b) => b.error - a.error).slice(0, 5), backtest: calibration.backtest }));
    expect(enough.length).toBeGreaterThan(0);
  });

  it('forecasts held-out weeks: revenue MAPE within 10 % and the truth inside p5–p95 in at least 85 % of 20 weeks', () => {
    const results = [];
    for (let week = 0; week < heldOutWeeks; week += 1) {
      const first = trainingDays + 7 * week;
      const day = shop.days[first]!;
      const period = first; // prices change daily in training; held-out weeks hold one price per week
      const prices = Object.fromEntries(shop.world.catalog.products.map((p) => [p.sku, priceOf(shop.world, p.sku, p.priceMinor, period, priceSpread)]));
      const state = shopOn(shop.world, day.summary.date, { prices, stock: shop.days[first - 1]!.state.stock });
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
    console.log(JSON.stringify({ mape, coverage, results: results.map((r) => [Math.round(r.mean / 100), Math.round(r.p5 / 100), Math.round(r.p95 / 100), Math.round(r.actual / 100)]) }));
    expect(mape).toBeLessThanOrEqual(0.1);
    expect(coverage).toBeGreaterThanOrEqual(0.85);
  });

  it('scores the world’s orders: fraud ROC AUC at least 0.90 on orders labelled by their chargebacks', () => {
    const scoring = calibration.params.fraud.scoring;
    const later = shop.days.slice(trainingDays, trainingDays + 28);
    const fraudulent = new Set(later.flatMap((d) => d.truth.fraudulentOrderIds));
    const orders = later.flatMap((d) => d.events.flatMap((e) => (e.type === 'order.placed' ? [e.payload] : [])));
    const auc = rocAuc(orders.map((o) => fraudScore(scoring, o.features)), orders.map((o) => (fraudulent.has(o.orderId) ? 1 : 0)));
    console.log(JSON.stringify({ auc, orders: orders.length, frauds: fraudulent.size, fraudRate: calibration.params.fraud.fraudRate, truth: shop.world.truth.fraud.orderShare }));
    expect(auc).toBeGreaterThanOrEqual(0.9);
  });
});
