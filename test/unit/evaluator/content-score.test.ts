import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContentSubject } from '../../../engine/content/index.js';
import {
  bannedClaims,
  contentCriteria,
  criterionWeights,
  findBannedClaims,
  passThreshold,
  readabilityOf,
  scoreContent,
  syllablesInWord,
  type ContentScore,
} from '../../../engine/evaluator/index.js';
import { categoryIds, categorySpecs } from '../../../engine/world/index.js';

const serum: ContentSubject = {
  name: 'Lumina Hydrating Face Serum — Rose',
  facts: { brand: 'Lumina', material: 'hyaluronic acid', color: 'Rose', size: '30 ml', origin: 'France', highlights: ['cruelty-free', 'suits sensitive skin'] },
};

const goodPost = 'Meet the Lumina Hydrating Face Serum. It is made with hyaluronic acid. It is cruelty-free and suits sensitive skin. Shop it live today.';

const criterionOf = (score: ContentScore, name: (typeof contentCriteria)[number]) => score.criteria.find((criterion) => criterion.name === name)!;

describe('scoreContent', () => {
  it('passes a plain post that carries every fact, with full marks and a reason per criterion', () => {
    const score = scoreContent(goodPost, { product: serum, channel: 'social_post' });
    expect(score).toMatchObject({ total: 1, passed: true, threshold: passThreshold, failures: [] });
    expect(score.criteria.map((criterion) => [criterion.name, criterion.score, criterion.weight])).toEqual(contentCriteria.map((name) => [name, 1, criterionWeights[name]]));
    expect(criterionOf(score, 'required_facts').reasons).toEqual(['all 5 required facts present']);
    expect(criterionOf(score, 'length').reasons).toEqual(['23 words, within 10–60 for a social post']);
    expect(criterionOf(score, 'readability').reasons[0]).toMatch(/^Flesch reading ease \d+\.\d \((fairly easy|plain English|easy)/);
  });

  it('weights sum to 1', () => {
    expect(Object.values(criterionWeights).reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(1, 12);
  });

  it('reads facts whole-word, ignoring case and punctuation', () => {
    const shouted = 'MEET THE LUMINA HYDRATING FACE SERUM! Made with Hyaluronic-Acid. Cruelty free, suits sensitive skin. Shop it live today.';
    expect(criterionOf(scoreContent(shouted, { product: serum, channel: 'social_post' }), 'required_facts').score).toBe(1);
    // "Luminance" is not "Lumina".
    const near = goodPost.replace('Lumina Hydrating Face Serum', 'Luminance Hydrating Face Serum');
    expect(criterionOf(scoreContent(near, { product: serum, channel: 'social_post' }), 'required_facts').reasons).toContain('missing product name "Lumina Hydrating Face Serum"');
  });

  it('names a missing fact and lowers the score by its weight, still passing when the rest is good', () => {
    const score = scoreContent(goodPost.replace(' It is made with hyaluronic acid.', ''), { product: serum, channel: 'social_post' });
    const facts = criterionOf(score, 'required_facts');
    expect(facts.score).toBeCloseTo(5 / 6, 4);
    expect(facts.reasons).toEqual(['4 of 5 required facts present', 'missing material "hyaluronic acid"']);
    expect(score.passed).toBe(true);
  });

  it('fails a text that never names the product, whatever its total', () => {
    const score = scoreContent(goodPost.replace('the Lumina Hydrating Face Serum', 'our Lumina serum'), { product: serum, channel: 'social_post' });
    expect(score.total).toBeGreaterThan(passThreshold);
    expect(score.passed).toBe(false);
    expect(score.failures).toEqual(['the product name "Lumina Hydrating Face Serum" is missing']);
  });

  it('fails a banned claim however good the rest is, quoting the phrase as written', () => {
    const score = scoreContent(`${goodPost} Results GUARANTEED, totally risk free!`, { product: serum, channel: 'social_post' });
    const banned = criterionOf(score, 'banned_claims');
    expect(banned.score).toBe(0);
    expect(banned.reasons).toEqual(['banned claim "GUARANTEED" (absolute promise: guaranteed)', 'banned claim "risk free" (absolute promise: risk-free)']);
    expect(score.passed).toBe(false);
    expect(score.failures).toContainEqual(expect.stringMatching(/^banned_claims scored 0, below the floor 0.5: banned claim "GUARANTEED"/));
  });

  it.each([
    ['It cures acne overnight.', 'cures'],
    ['A serum that heals dry skin.', 'heals'],
    ['Clinically proven to work.', 'Clinically proven'],
    ['A miracle in a bottle.', 'miracle'],
    ['It is 100% safe for kids.', '100% safe'],
    ['Helps you lose weight fast.', 'lose weight'],
    ['The best fat-burning tea.', 'fat-burning'],
    ['Boosts your immune system.', 'Boosts your immune system'],
    ['A gentle detox for skin.', 'detox'],
    ['Treats eczema gently.', 'Treats eczema'],
    ['No side effects at all.', 'No side effects'],
  ])('flags "%s"', (text, phrase) => {
    expect(findBannedClaims(text).map((match) => match.phrase)).toEqual([phrase]);
  });

  it.each([
    'A secure clasp and a healthy glow.',
    'A curated set of treats in a Treat Pouch.',
    'Dermatologist tested, vet recommended, non-toxic finish and a lifetime warranty.',
    'Safe to put in the dishwasher; the weight is low.',
  ])('leaves "%s" alone', (text) => {
    expect(findBannedClaims(text)).toEqual([]);
  });

  it('finds no banned claim in any word the catalog is made of', () => {
    const vocabulary = categoryIds.flatMap((id) => {
      const spec = categorySpecs[id];
      return [spec.label, ...spec.brands, ...spec.colors, ...spec.origins, ...spec.highlights, ...spec.kinds.flatMap((kind) => [kind.noun, ...kind.adjectives, ...kind.materials, ...kind.sizes])];
    });
    expect(vocabulary.filter((phrase) => findBannedClaims(phrase).length > 0)).toEqual([]);
  });

  it('every banned claim matches its own name', () => {
    expect(bannedClaims.filter((entry) => !entry.claim.includes(' or ') && findBannedClaims(`It is ${entry.claim}.`).length === 0)).toEqual([]);
  });

  it('scores length against the channel, with the limits in the reason', () => {
    const long = scoreContent(`${goodPost} ${'Come and see it live with us tonight. '.repeat(7)}`, { product: serum, channel: 'social_post' });
    expect(criterionOf(long, 'length').reasons).toEqual(['79 words, over the maximum of 60 for a social post', '401 characters, over the cap of 280 for a social post']);
    expect(criterionOf(long, 'length').score).toBe(0.1357);
    const script = scoreContent(goodPost, { product: serum, channel: 'stream_script' });
    // 23 words against a minimum of 120: zero at 60 words and below.
    expect(criterionOf(script, 'length')).toMatchObject({ score: 0, reasons: ['23 words, below the minimum of 120 for a stream script'] });
    expect(script.passed).toBe(false);
  });

  it('scores readability by Flesch reading ease: 1 from 60 up, 0 at 30 and below', () => {
    const dense =
      'Meet the Lumina Hydrating Face Serum, an extraordinarily sophisticated formulation incorporating hyaluronic acid, ' +
      'cruelty-free manufacturing, and considerations that suits sensitive skin particularly, delivering comprehensive revitalisation.';
    const score = scoreContent(dense, { product: serum, channel: 'social_post' });
    expect(criterionOf(score, 'readability').score).toBe(0);
    expect(criterionOf(score, 'readability').reasons[0]).toMatch(/very difficult; the target is 60 or more\): 25\.0 words per sentence/);
  });

  it('is a number in [0, 1] for any text, and passing always means a total over the threshold and no banned claim', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), fc.constantFrom('stream_script' as const, 'product_page' as const, 'social_post' as const), (text, channel) => {
        const score = scoreContent(text, { product: serum, channel });
        expect(score.total).toBeGreaterThanOrEqual(0);
        expect(score.total).toBeLessThanOrEqual(1);
        for (const criterion of score.criteria) expect(criterion.reasons.length).toBeGreaterThan(0);
        if (score.passed) {
          expect(score.total).toBeGreaterThanOrEqual(passThreshold);
          expect(findBannedClaims(text)).toEqual([]);
        }
        expect(scoreContent(text, { product: serum, channel })).toEqual(score);
      }),
    );
  });
});

describe('readabilityOf', () => {
  it('computes Flesch reading ease from words, sentences and syllables', () => {
    // 6 words, 1 sentence, 6 syllables: 206.835 − 1.015·6 − 84.6·1.
    expect(readabilityOf('The cat sat on the mat.')).toEqual({ fleschReadingEase: 206.835 - 1.015 * 6 - 84.6, words: 6, sentences: 1, syllables: 6 });
    expect(readabilityOf('One line\nand another one!').sentences).toBe(2);
    expect(readabilityOf('— & —').words).toBe(0);
  });

  it.each([
    ['cat', 1],
    ['make', 1],
    ['bottle', 2],
    ['reading', 2],
    ['simple', 2],
    ['jumped', 1],
    ['sun-kissed', 2],
    ['12-month', 3],
    ['wonderful', 3],
  ])('counts the syllables of %s as %i', (word, syllables) => {
    expect(syllablesInWord(word)).toBe(syllables);
  });
});
