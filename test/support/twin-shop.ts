import { createHash } from 'node:crypto';
import type { ShopState, TwinStream } from '../../engine/twin/index.js';
import { generateCatalog } from '../../engine/world/index.js';

/** A UUID that is the same for the same name (tests and benchmarks name things, not ids). */
export function stableUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The simulated shop's catalog (engine/world, as `bos seed` creates it) as the twin sees
 * it: active products ordered by sku, creators, a stream every other day, ad spend and cash.
 */
export function catalogShop(options: { seed?: number; products?: number; creators?: number; days?: number; cashMinor?: number | null } = {}): ShopState {
  const catalog = generateCatalog({ seed: options.seed ?? 1, products: options.products ?? 240, creators: options.creators ?? 36 });
  const products = [...catalog.products]
    .sort((a, b) => a.sku.localeCompare(b.sku))
    .map((p) => ({ id: stableUuid(`product:${p.sku}`), sku: p.sku, category: p.category, priceMinor: p.priceMinor, unitCostMinor: p.unitCostMinor, stock: p.stock, leadTimeDays: p.leadTimeDays }));
  const creators = catalog.creators.map((c) => ({ id: stableUuid(`creator:${c.handle}`), handle: c.handle, audience: c.audience, conversionBps: c.conversionBps, commissionBps: c.commissionBps }));
  const streams: TwinStream[] = [];
  for (let day = 0; day < (options.days ?? 30); day += 2) {
    const creator = catalog.creators[day % Math.max(1, catalog.creators.length)];
    if (!creator) break;
    streams.push({ id: stableUuid(`stream:${day}`), creatorId: stableUuid(`creator:${creator.handle}`), day, categories: [creator.niche] });
  }
  return {
    orgUnitId: 'lsn_main',
    currency: 'USD',
    startDate: '2026-12-01',
    products,
    creators,
    streams,
    adSpendDailyMinor: 80_000,
    cashMinor: options.cashMinor === undefined ? 5_000_000 : options.cashMinor,
    daysToNextPayout: 3,
    accruedCommissionsMinor: 40_000,
  };
}
