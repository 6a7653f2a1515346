import { channelLengths, productNameOf, type ContentChannel, type ContentSubject } from '../content/index.js';
import { findBannedClaims } from './banned-claims.js';
import { fleschBand, readabilityOf } from './readability.js';
import { containsPhrase, wordsOf } from './text.js';

/**
 * The quality score of a piece of content: four criteria, each scored 0..1 with its
 * reasons, and a weighted total. A text passes when
 *   - the total is at least `passThreshold` (0.8),
 *   - no criterion scores below `criterionFloor` (0.5), so a banned claim (which scores
 *     the banned-claims criterion 0) fails whatever else is good, and
 *   - the product's name is in it: a text that does not say what it sells is not content.
 * Pure and deterministic: the same text and subject always give the same score.
 */
export const contentCriteria = ['required_facts', 'banned_claims', 'length', 'readability'] as const;
export type ContentCriterion = (typeof contentCriteria)[number];

export const criterionWeights: Readonly<Record<ContentCriterion, number>> = {
  required_facts: 0.35,
  banned_claims: 0.3,
  length: 0.15,
  readability: 0.2,
};
export const passThreshold = 0.8;
export const criterionFloor = 0.5;
/** Flesch reading ease at or above this scores 1; at or below `readabilityZero` it scores 0; linear between. */
export const readabilityTarget = 60;
export const readabilityZero = 30;

export type CriterionScore = Readonly<{ name: ContentCriterion; score: number; weight: number; reasons: readonly string[] }>;

export type ContentScore = Readonly<{
  total: number;
  passed: boolean;
  threshold: number;
  criteria: readonly CriterionScore[];
  /** Why it did not pass (empty when it did): what a rewrite must fix. */
  failures: readonly string[];
}>;

export type ContentScoreInput = Readonly<{ product: ContentSubject; channel: ContentChannel }>;

export function scoreContent(text: string, input: ContentScoreInput): ContentScore {
  const facts = requiredFacts(text, input.product);
  const criteria = [facts.criterion, bannedClaimsCriterion(text), lengthCriterion(text, input.channel), readabilityCriterion(text)];
  const total = round(criteria.reduce((sum, criterion) => sum + criterion.score * criterion.weight, 0));
  const failures = [
    ...(total < passThreshold ? [`total ${total} is below the pass threshold ${passThreshold}`] : []),
    ...criteria
      .filter((criterion) => criterion.score < criterionFloor)
      .map((criterion) => `${criterion.name} scored ${criterion.score}, below the floor ${criterionFloor}: ${criterion.reasons.join('; ')}`),
    ...(facts.namePresent ? [] : [`the product name "${productNameOf(input.product)}" is missing`]),
  ];
  return { total, passed: failures.length === 0, threshold: passThreshold, criteria, failures };
}

type RequiredFact = Readonly<{ label: string; value: string; weight: number }>;

function requiredFacts(text: string, product: ContentSubject): { criterion: CriterionScore; namePresent: boolean } {
  const name = productNameOf(product);
  const wanted: RequiredFact[] = [
    // The name counts double: without it nothing else in the text is about this product.
    { label: 'product name', value: name, weight: 2 },
    { label: 'brand', value: product.facts.brand, weight: 1 },
    { label: 'material', value: product.facts.material, weight: 1 },
    ...product.facts.highlights.map((highlight) => ({ label: 'highlight', value: highlight, weight: 1 })),
  ];
  const missing = wanted.filter((fact) => !containsPhrase(text, fact.value));
  const totalWeight = wanted.reduce((sum, fact) => sum + fact.weight, 0);
  const missingWeight = missing.reduce((sum, fact) => sum + fact.weight, 0);
  const reasons =
    missing.length === 0
      ? [`all ${wanted.length} required facts present`]
      : [`${wanted.length - missing.length} of ${wanted.length} required facts present`, ...missing.map((fact) => `missing ${fact.label} "${fact.value}"`)];
  return {
    criterion: criterion('required_facts', 1 - missingWeight / totalWeight, reasons),
    namePresent: !missing.some((fact) => fact.label === 'product name'),
  };
}

function bannedClaimsCriterion(text: string): CriterionScore {
  const found = findBannedClaims(text);
  if (found.length === 0) return criterion('banned_claims', 1, ['no banned claims']);
  return criterion(
    'banned_claims',
    0,
    found.map((match) => `banned claim "${match.phrase}" (${match.kind.replace('_', ' ')}: ${match.claim})`),
  );
}

const channelLabels: Readonly<Record<ContentChannel, string>> = {
  stream_script: 'a stream script',
  product_page: 'a product page',
  social_post: 'a social post',
};

/**
 * 1 inside the channel's band; outside it the score falls linearly to 0 at half the bound
 * again (a 120-word minimum scores 0 at 60 words, a 280-character cap at 420 characters).
 */
function lengthCriterion(text: string, channel: ContentChannel): CriterionScore {
  const limits = channelLengths[channel];
  const words = wordsOf(text).length;
  const chars = text.trim().length;
  const label = channelLabels[channel];
  const scores: number[] = [];
  const reasons: string[] = [];
  if (words < limits.minWords) {
    scores.push(1 - (limits.minWords - words) / (limits.minWords / 2));
    reasons.push(`${words} words, below the minimum of ${limits.minWords} for ${label}`);
  } else if (words > limits.maxWords) {
    scores.push(1 - (words - limits.maxWords) / (limits.maxWords / 2));
    reasons.push(`${words} words, over the maximum of ${limits.maxWords} for ${label}`);
  } else {
    reasons.push(`${words} words, within ${limits.minWords}–${limits.maxWords} for ${label}`);
  }
  if (limits.maxChars !== undefined && chars > limits.maxChars) {
    scores.push(1 - (chars - limits.maxChars) / (limits.maxChars / 2));
    reasons.push(`${chars} characters, over the cap of ${limits.maxChars} for ${label}`);
  }
  return criterion('length', Math.min(1, ...scores), reasons);
}

function readabilityCriterion(text: string): CriterionScore {
  const measured = readabilityOf(text);
  if (measured.words === 0) return criterion('readability', 0, ['no words to read']);
  const ease = measured.fleschReadingEase;
  const score = (ease - readabilityZero) / (readabilityTarget - readabilityZero);
  const perSentence = measured.words / measured.sentences;
  const perWord = measured.syllables / measured.words;
  return criterion('readability', score, [
    `Flesch reading ease ${ease.toFixed(1)} (${fleschBand(ease)}; the target is ${readabilityTarget} or more): ` +
      `${perSentence.toFixed(1)} words per sentence, ${perWord.toFixed(2)} syllables per word`,
  ]);
}

function criterion(name: ContentCriterion, score: number, reasons: readonly string[]): CriterionScore {
  return { name, score: round(Math.min(1, Math.max(0, score))), weight: criterionWeights[name], reasons };
}

/** Four decimals: enough to rank texts, and a total of 0.8 stays 0.8 instead of 0.7999999. */
function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
