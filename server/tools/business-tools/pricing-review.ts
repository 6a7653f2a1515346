import { createHash } from 'node:crypto';
import { z } from 'zod';
import { findAction } from '../../../db/queries/actions.js';
import { listDecisionsAwaitingOutcome } from '../../../db/queries/decisions.js';
import { latestEventAt, productSalesBetween } from '../../../db/queries/product-sales.js';
import { findProduct } from '../../../db/queries/products.js';
import { listActiveProducts } from '../../../db/queries/product-subjects.js';
import { pricingWorkflowId } from '../../../machines/workflows/pricing-optimization.js';
import type { DecisionService } from '../../decisions/decision-service.js';
import { AppError } from '../../errors/catalog.js';
import { systemActor } from '../../governance/governance-deps.js';
import { defineTool, type ToolImplementation } from '../tool-implementation.js';
import { marginFraction } from './fractions.js';
import { businessToolDefaults, uuidField } from './tool-defaults.js';


const hourMs = 3_600_000;
const dayMs = 24 * hourMs;
/** The sales a decision's context is built from: the week before its hour. */
const contextDays = 7;
const settleBatch = 50;

const onTheHour = z
  .string()
  .datetime({ offset: true })
  .refine((text) => Date.parse(text) % hourMs === 0, 'must be on the hour (minutes, seconds and milliseconds zero)');

/**
 * The hourly pricing review's two tools. Both are reads to the autonomy gate: they log a
 * decision and teach the bandit, and change nothing the business runs on; the price itself
 * changes through pricing.set_price, the workflow's next step, which the governor and the
 * autonomy level judge. Keyed: the decision's id comes from the call's key, and an outcome
 * is recorded at most once per decision, so a repeat after a crash changes nothing.
 */
const reviewDefaults = { ...businessToolDefaults, effect: 'read', risk: 'low', idempotency: 'keyed', timeoutMs: 60_000 } as const;

/** A decision measures its product's revenue over the whole simulated day after the one it was made in (prices apply from the next day). */
export function measurementWindow(hour: Date): { from: Date; to: Date } {
  const from = Math.floor(hour.getTime() / dayMs) * dayMs + dayMs;
  return { from: new Date(from), to: new Date(from + dayMs) };
}

/** A stable UUID for a key, so the decision a step logs is the same decision when the step repeats. */
export function decisionIdFor(orgUnitId: string, key: string): string {
  const hex = createHash('sha256').update(`${orgUnitId}\u0000${key}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Minor units as a decimal string in major units: 123456 → "1234.56". Money never passes through a float. */
export function minorToDecimal(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const decideOutput = z.union([
  z.object({
    decisionId: uuidField,
    status: z.enum(['proposed', 'frozen']),
    arm: z.string(),
    productId: uuidField,
    sku: z.string(),
    previousPriceMinor: z.number().int(),
    /** Null when frozen: nothing is to be set. */
    priceMinor: z.number().int().nullable(),
    measureFrom: z.string(),
    measureTo: z.string(),
  }),
  z.object({ decisionId: z.null(), reason: z.string() }),
]);

export function createDecidePriceTool(decisions: Pick<DecisionService, 'propose'>) {
  return defineTool({
    spec: {
      ...reviewDefaults,
      name: 'pricing.decide',
      description: 'Chooses a price change for one product with the pricing bandit, forecasts it in the twin and logs the decision (the price is set by pricing.set_price).',
      input: z.object({ hour: onTheHour, productId: uuidField.optional() }),
      output: decideOutput,
    },
    async precondition(context, input) {
      if (input.productId === undefined) return undefined;
      const product = await findProduct(context.db, { orgUnitId: context.orgUnitId, id: input.productId });
      if (product === null) return `product ${input.productId} does not exist in this org unit`;
      return product.status === 'active' ? undefined : `product ${input.productId} is ${product.status}; only active products are priced`;
    },
    async execute(context, input) {
      const { orgUnitId } = context;
      const hour = new Date(input.hour);
      const productId = input.productId ?? (await productInTurn(context.db, orgUnitId, hour));
      if (productId === null) return { decisionId: null, reason: 'no active product to price' };
      const product = await findProduct(context.db, { orgUnitId, id: productId });
      if (product === null) return { decisionId: null, reason: `product ${productId} no longer exists` };
      const sales = await productSalesBetween(context.db, { orgUnitId, sku: product.sku, from: new Date(hour.getTime() - contextDays * dayMs), to: hour });
      const window = measurementWindow(hour);
      const { decision, call } = await decisions.propose({
        orgUnitId,
        decisionType: 'pricing',
        id: decisionIdFor(orgUnitId, context.idempotencyKey),
        at: hour,
        // Revenue in major units only shapes the bandit's features; money itself stays in minor units.
        context: { revenue: sales.revenue_minor / 100, orders: sales.orders, marginPercent: marginFraction(product.price_minor, product.unit_cost_minor) },
        target: { productId },
        record: { workflowId: pricingWorkflowId, hour: hour.toISOString(), sku: product.sku, measureFrom: window.from.toISOString(), measureTo: window.to.toISOString() },
      });
      const priceMinor = call?.input.priceMinor;
      return {
        decisionId: decision.id,
        status: decision.status === 'frozen' ? ('frozen' as const) : ('proposed' as const),
        arm: decision.selectedOption,
        productId,
        sku: product.sku,
        previousPriceMinor: product.price_minor,
        priceMinor: typeof priceMinor === 'number' ? priceMinor : null,
        measureFrom: window.from.toISOString(),
        measureTo: window.to.toISOString(),
      };
    },
  });
}

/** The hourly review takes the active products in turn, by SKU: each hour of the simulated clock names one. */
async function productInTurn(db: Parameters<typeof listActiveProducts>[0], orgUnitId: string, hour: Date): Promise<string | null> {
  const products = await listActiveProducts(db, orgUnitId);
  if (products.length === 0) return null;
  return products[Math.floor(hour.getTime() / hourMs) % products.length]?.id ?? null;
}

const settledOutput = z.object({
  settled: z.array(z.object({ decisionId: uuidField, sku: z.string(), revenueMinor: z.number().int(), reward: z.number().nullable() })),
  /** Decisions whose window has closed but whose outcome another run recorded first. */
  alreadySettled: z.number().int(),
});

export function createSettlePricingTool(decisions: Pick<DecisionService, 'recordOutcome'>) {
  /**
   * One settling at a time per org unit in this process: hourly runs that catch up together
   * would otherwise all list the same due decisions and race to record each. The one that
   * waits lists afresh and finds them done; another process's overlap is still answered by
   * the CONFLICT below.
   */
  const settling = new Map<string, Promise<unknown>>();
  function oneAtATime<T>(orgUnitId: string, work: () => Promise<T>): Promise<T> {
    const next = (settling.get(orgUnitId) ?? Promise.resolve()).then(work, work);
    settling.set(orgUnitId, next.catch(() => undefined));
    return next;
  }

  return defineTool({
    spec: {
      ...reviewDefaults,
      name: 'pricing.settle_outcomes',
      description: 'Records the realised revenue of executed pricing decisions whose measurement day has passed, teaching the bandit.',
      input: z.object({ asOf: onTheHour }),
      output: settledOutput,
    },
    execute: (context, input) => oneAtATime(context.orgUnitId, async () => {
      const { orgUnitId } = context;
      const asOf = new Date(input.asOf);
      // The figure is known only once the shop's events reach past the window's end.
      const reached = await latestEventAt(context.db, orgUnitId);
      const until = reached === null ? asOf : new Date(Math.min(asOf.getTime(), reached.getTime()));
      const due = await listDecisionsAwaitingOutcome(context.db, { orgUnitId, decisionType: 'pricing', workflowId: pricingWorkflowId, asOf: until, limit: settleBatch });
      const settled: z.infer<typeof settledOutput>['settled'] = [];
      let alreadySettled = 0;
      for (const decision of due) {
        const sku = String(decision.context.sku);
        const sales = await productSalesBetween(context.db, {
          orgUnitId,
          sku,
          from: new Date(String(decision.context.measureFrom)),
          to: new Date(String(decision.context.measureTo)),
        });
        const action = decision.action_id === null ? null : await findAction(context.db, { orgUnitId, id: decision.action_id });
        try {
          const recorded = await decisions.recordOutcome(systemActor, {
            orgUnitId,
            decisionId: decision.id,
            value: minorToDecimal(sales.revenue_minor),
            toolCostMinor: action?.cost_minor ?? 0,
            note: `${sku}: ${sales.orders} orders, ${sales.units} units from ${String(decision.context.measureFrom)} to ${String(decision.context.measureTo)}`,
          });
          settled.push({ decisionId: decision.id, sku, revenueMinor: sales.revenue_minor, reward: recorded.reward });
        } catch (error) {
          // Another hourly run recorded it first: the outcome counts once either way.
          if (error instanceof AppError && error.code === 'CONFLICT') alreadySettled += 1;
          else throw error;
        }
      }
      return { settled, alreadySettled };
    }),
  });
}

export function pricingReviewTools(decisions: Pick<DecisionService, 'propose' | 'recordOutcome'>): readonly ToolImplementation[] {
  return [createDecidePriceTool(decisions), createSettlePricingTool(decisions)] as readonly ToolImplementation[];
}
