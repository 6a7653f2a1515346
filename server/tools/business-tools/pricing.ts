import { z } from 'zod';
import { findProduct, setActiveProductPrice, type ProductRow } from '../../../db/queries/products.js';
import { notFound } from '../../errors/catalog.js';
import { defineTool, type ToolReadContext } from '../tool-implementation.js';
import { changeFraction, marginFraction } from './fractions.js';
import { decisionFacts, decisionProblem, markDecisionCarriedOut } from './pricing-decision-link.js';
import { businessToolDefaults, minorUnits, nowOf, refuse, uuidField } from './tool-defaults.js';

const setPriceInput = z.object({
  productId: uuidField,
  priceMinor: minorUnits.positive(),
  /** The pricing decision this price carries out (the pricing workflow's step). */
  decisionId: uuidField.optional(),
});
type SetPriceInput = z.infer<typeof setPriceInput>;

const setPriceOutput = z.object({
  productId: uuidField,
  previousPriceMinor: minorUnits,
  priceMinor: minorUnits,
});

function priceProblem(product: ProductRow | null, productId: string): string | undefined {
  if (product === null) return `product ${productId} does not exist in this org unit`;
  if (product.status !== 'active') return `product ${productId} is ${product.status}; only active products can be repriced`;
  return undefined;
}

async function productFor(context: ToolReadContext, input: SetPriceInput): Promise<ProductRow> {
  const product = await findProduct(context.db, { orgUnitId: context.orgUnitId, id: input.productId });
  if (product === null) throw notFound(`product ${input.productId}`);
  return product;
}

/**
 * `marginPercent` is the name the built-in margin_floor policy reads (as a fraction: 0.15
 * is 15 %); it is the margin the new price leaves.
 */
function priceFacts(product: ProductRow, priceMinor: number) {
  return {
    currency: product.currency,
    currentPriceMinor: product.price_minor,
    priceMinor,
    unitCostMinor: product.unit_cost_minor,
    previousMarginPercent: marginFraction(product.price_minor, product.unit_cost_minor),
    marginPercent: marginFraction(priceMinor, product.unit_cost_minor),
    // Prices are positive (checked by the database), so a change ratio always exists.
    changePercent: changeFraction(product.price_minor, priceMinor) ?? 0,
  };
}

export const setPriceTool = defineTool({
  spec: {
    ...businessToolDefaults,
    name: 'pricing.set_price',
    description: "Sets an active product's price (integer minor units in the product's currency).",
    input: setPriceInput,
    output: setPriceOutput,
    effect: 'write',
    risk: 'medium',
  },
  async precondition(context, input) {
    return (
      priceProblem(await findProduct(context.db, { orgUnitId: context.orgUnitId, id: input.productId }), input.productId) ??
      (await decisionProblem(context.db, context.orgUnitId, input))
    );
  },
  async facts(context, input) {
    return { ...priceFacts(await productFor(context, input), input.priceMinor), ...(await decisionFacts(context.db, context.orgUnitId, input)) };
  },
  async simulate(context, input) {
    const product = await productFor(context, input);
    const facts = priceFacts(product, input.priceMinor);
    return {
      productId: product.id,
      currency: facts.currency,
      previousPriceMinor: facts.currentPriceMinor,
      priceMinor: facts.priceMinor,
      unitCostMinor: facts.unitCostMinor,
      marginPercentBefore: facts.previousMarginPercent,
      marginPercentAfter: facts.marginPercent,
      changePercent: facts.changePercent,
    };
  },
  async execute(context, input) {
    const { orgUnitId } = context;
    const updated = await setActiveProductPrice(context.db, { orgUnitId, id: input.productId, priceMinor: input.priceMinor, at: nowOf(context.clock) });
    if (updated === null) {
      const problem = priceProblem(await findProduct(context.db, { orgUnitId, id: input.productId }), input.productId);
      throw refuse(problem ?? `product ${input.productId} could not be repriced`);
    }
    await markDecisionCarriedOut(context, input);
    return { productId: updated.id, previousPriceMinor: updated.previous_price_minor, priceMinor: updated.price_minor };
  },
});
