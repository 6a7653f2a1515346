export {
  audienceRange,
  commissionRangeBps,
  conversionRangeBps,
  generateCatalog,
  type Catalog,
  type CatalogCreator,
  type CatalogOptions,
  type CatalogProduct,
  type ProductFacts,
} from './catalog.js';
export { categoryIds, categorySpecs, type CategoryId, type CategorySpec, type ProductKind } from './catalog-vocabulary.js';
export type { OrderFeatures, WorldEvent, WorldEventPayloads, WorldEventType } from './world-events.js';
