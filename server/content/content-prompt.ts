import { channelLengths, productNameOf, type ContentChannel, type ContentRequest } from '../../engine/content/index.js';
import { bannedClaims, readabilityTarget } from '../../engine/evaluator/index.js';

/**
 * The chat messages a provider writes from. They carry what the evaluator will check —
 * every required fact verbatim, the channel's length, plain words, the banned claims — so
 * a model that follows them passes, and a retry carries the reasons the last draft failed.
 */
export type ChatMessage = Readonly<{ role: 'system' | 'user'; content: string }>;

const channelBriefs: Readonly<Record<ContentChannel, string>> = {
  stream_script: 'a script a live-stream host reads aloud while showing the product',
  product_page: 'the description on the product page of a shop',
  social_post: 'a social media post announcing the product',
};

export function contentPrompt(request: ContentRequest): ChatMessage[] {
  const limits = channelLengths[request.channel];
  const { facts } = request.product;
  const system = [
    'You write product copy for a live-shopping business.',
    'Use only the facts you are given; never invent features, prices, reviews or awards.',
    `Write in plain words and short sentences (Flesch reading ease ${readabilityTarget} or more).`,
    `Never make any of these claims, in any wording: ${bannedClaims.map((entry) => entry.claim).join(', ')}.`,
    'Reply with the text only: no title line, no quotes, no notes.',
  ].join(' ');
  const user = [
    `Write ${channelBriefs[request.channel]}: ${limits.minWords} to ${limits.maxWords} words${limits.maxChars === undefined ? '' : `, at most ${limits.maxChars} characters`}.`,
    '',
    'Use each of these exactly as written:',
    `- product name: ${productNameOf(request.product)}`,
    `- brand: ${facts.brand}`,
    `- material: ${facts.material}`,
    ...facts.highlights.map((highlight) => `- highlight: ${highlight}`),
    '',
    'Other facts you may use:',
    `- color: ${facts.color}`,
    `- size: ${facts.size}`,
    `- made in: ${facts.origin}`,
    ...(request.brief === undefined ? [] : ['', `The requester asks: ${request.brief}`]),
    ...(request.feedback === undefined || request.feedback.length === 0
      ? []
      : ['', 'An earlier draft was rejected. Fix every one of these:', ...request.feedback.map((reason) => `- ${reason}`)]),
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}
