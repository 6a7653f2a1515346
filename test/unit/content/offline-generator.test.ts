import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentChannels, createOfflineGenerator, offlineModel, productNameOf, type ContentChannel } from '../../../engine/content/index.js';
import { scoreContent } from '../../../engine/evaluator/index.js';
import { generateCatalog, type CatalogProduct } from '../../../engine/world/index.js';
import { eventPayloads } from '../../../server/contracts/events.js';

// The lsn_main catalog, as `bos seed` writes it.
const catalog = generateCatalog({ seed: 1 });
const product = (index: number): CatalogProduct => catalog.products[index % catalog.products.length]!;

async function write(options: Parameters<typeof createOfflineGenerator>[0], item: CatalogProduct, channel: ContentChannel, attempt: number) {
  return createOfflineGenerator(options).generate({ sku: item.sku, channel, product: item, attempt });
}

describe('the offline content generator', () => {
  it('writes text that passes the evaluator for every product of the catalog, on every channel and attempt', async () => {
    const generator = createOfflineGenerator();
    const failed: string[] = [];
    for (const item of catalog.products) {
      for (const channel of contentChannels) {
        for (const attempt of [1, 2, 3]) {
          const { text } = await generator.generate({ sku: item.sku, channel, product: item, attempt });
          const score = scoreContent(text, { product: item, channel });
          if (!score.passed) failed.push(`${item.sku} ${channel} #${attempt}: ${score.failures.join('; ')}`);
        }
      }
    }
    expect(failed).toEqual([]);
  });

  it('passes for the products of any catalog seed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.constantFrom(...contentChannels), fc.integer({ min: 1, max: 3 }), async (seed, channel, attempt) => {
        for (const item of generateCatalog({ seed, products: 10, creators: 0 }).products) {
          const score = scoreContent((await write({ seed }, item, channel, attempt)).text, { product: item, channel });
          expect(score.failures).toEqual([]);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('says what wrote it', async () => {
    expect(await write({}, product(0), 'social_post', 1)).toMatchObject({ provider: 'offline', model: offlineModel });
  });

  it('writes the same text for the same request and seed, and another on a retry or with another seed', async () => {
    const item = product(5);
    const first = await write({}, item, 'stream_script', 1);
    expect(await write({}, item, 'stream_script', 1)).toEqual(first);
    const retries = await Promise.all([2, 3, 4].map((attempt) => write({}, item, 'stream_script', attempt)));
    expect(new Set([first.text, ...retries.map((retry) => retry.text)]).size).toBe(4);
    expect((await write({ seed: 'other' }, item, 'stream_script', 1)).text).not.toBe(first.text);
  });

  it('at quality 0 never names the product, so every attempt fails the evaluator', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...contentChannels), fc.integer({ min: 1, max: 5 }), async (index, channel, attempt) => {
        const item = product(index);
        const { text } = await write({ quality: 0 }, item, channel, attempt);
        const score = scoreContent(text, { product: item, channel });
        expect(score.passed).toBe(false);
        expect(score.failures).toContain(`the product name "${productNameOf(item)}" is missing`);
      }),
    );
  });

  it('at a middling quality fails some first attempts, and a retry can pass where the first try failed', async () => {
    const outcomes = await Promise.all(
      catalog.products.slice(0, 60).map(async (item) => {
        const passes = [];
        for (const attempt of [1, 2, 3]) passes.push(scoreContent((await write({ quality: 0.7 }, item, 'product_page', attempt)).text, { product: item, channel: 'product_page' }).passed);
        return passes;
      }),
    );
    const firstFailed = outcomes.filter(([first]) => first === false);
    expect(firstFailed.length).toBeGreaterThan(5);
    expect(firstFailed.length).toBeLessThan(55);
    expect(firstFailed.some(([, second, third]) => second === true || third === true)).toBe(true);
  });

  it('refuses a quality outside 0..1 and an attempt that is not a whole number from 1', async () => {
    expect(() => createOfflineGenerator({ quality: 1.5 })).toThrow('quality must be between 0 and 1, got 1.5');
    await expect(write({}, product(0), 'social_post', 0)).rejects.toThrow('attempt must be a whole number from 1, got 0');
    await expect(write({}, product(0), 'social_post', 1.5)).rejects.toThrow(RangeError);
  });

  it('knows the same channels as the content.requested event', () => {
    expect(eventPayloads['content.requested'].shape.channel.options).toEqual([...contentChannels]);
  });
});
