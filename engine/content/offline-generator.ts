import { readabilityOf } from '../evaluator/readability.js';
import { seededRandom, type Random } from '../kernel/index.js';
import { productNameOf, type ContentGenerator, type ContentRequest, type GeneratedContent } from './content-generator.js';
import { channelTemplates, ramblingSentence, vagueSlots, type Slots } from './offline-templates.js';

/** Named in every draft it writes, so a change of templates shows in the records. */
export const offlineModel = 'offline-templates-v1';

export type OfflineGeneratorOptions = Readonly<{
  /** Mixed into every request's seed: the same seed and request always give the same text. */
  seed?: string | number;
  /**
   * 0..1, default 1. At 1 every fact is in the text and it reads plainly, so it passes the
   * evaluator. Below 1 each required fact (name, brand, material, each highlight) is left
   * out with probability 1 − quality, and a long rambling sentence goes in with the same
   * probability. At 0 nothing of the product is named, so the text always fails: a way to
   * drive the regenerate-then-escalate path without a network.
   */
  quality?: number;
}>;

/**
 * The built-in generator: seeded templates per channel, filled from the product's facts.
 * Each request draws from its own stream (seed, sku, channel, attempt), so a retry reads
 * differently and the same request always reads the same. The brief and the feedback are
 * not read: templates cannot follow free text (an OpenAI-compatible provider does).
 */
export function createOfflineGenerator(options: OfflineGeneratorOptions = {}): ContentGenerator {
  const quality = options.quality ?? 1;
  if (!Number.isFinite(quality) || quality < 0 || quality > 1) throw new RangeError(`quality must be between 0 and 1, got ${quality}`);
  const seed = String(options.seed ?? 'content');
  return {
    generate(request: ContentRequest): Promise<GeneratedContent> {
      if (!Number.isSafeInteger(request.attempt) || request.attempt < 1) {
        return Promise.reject(new RangeError(`attempt must be a whole number from 1, got ${request.attempt}`));
      }
      const random = seededRandom(`${seed}:${request.sku}:${request.channel}:${request.attempt}`);
      const slots = slotsFor(request, random, quality);
      const body = readableBody(request, random, slots, quality);
      const text = random.next() >= quality ? `${body}\n\n${ramblingSentence}` : body;
      return Promise.resolve({ text, provider: 'offline', model: offlineModel });
    },
  };
}

function slotsFor(request: ContentRequest, random: Random, quality: number): Slots {
  const { facts } = request.product;
  // random.next() < 1 always, so quality 1 keeps every fact and quality 0 none.
  const keep = (value: string, vague: string) => (random.next() < quality ? value : vague);
  const name = keep(productNameOf(request.product), vagueSlots.name);
  return {
    ...facts,
    name,
    fullName: name === vagueSlots.name ? 'Something new' : request.product.name,
    brand: keep(facts.brand, vagueSlots.brand),
    material: keep(facts.material, vagueSlots.material),
    highlights: facts.highlights.map((highlight) => keep(highlight, vagueSlots.highlight)),
  };
}

/** The Flesch reading ease a full-quality draft aims at (the evaluator's target). */
const plainReading = 60;
const fullQualityRenders = 8;

/**
 * One render, or at full quality the first of a few that reads plainly (else the plainest):
 * a product whose facts are long words can make one wording of a short post hard to read.
 */
function readableBody(request: ContentRequest, random: Random, slots: Slots, quality: number): string {
  const render = () => channelTemplates[request.channel](random, slots);
  if (quality < 1) return render();
  let best = { text: '', ease: Number.NEGATIVE_INFINITY };
  for (let i = 0; i < fullQualityRenders && best.ease < plainReading; i += 1) {
    const text = render();
    const ease = readabilityOf(text).fleschReadingEase;
    if (ease > best.ease) best = { text, ease };
  }
  return best.text;
}
