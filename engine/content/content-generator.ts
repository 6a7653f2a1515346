import type { ProductFacts } from '../world/index.js';
import type { ContentChannel } from './channels.js';

/** The product a text is about: its display name and the facts the text must carry. */
export type ContentSubject = Readonly<{ name: string; facts: ProductFacts }>;

/** The name without a variant after " — " ("Lumina Glossy Lip Oil — Rose" → "Lumina Glossy Lip Oil"): prose names the product, not its colour. */
export function productNameOf(product: ContentSubject): string {
  return product.name.split(' — ')[0]?.trim() ?? product.name;
}

export type ContentRequest = Readonly<{
  sku: string;
  channel: ContentChannel;
  /** What the requester wants stressed (free text from `content.requested`). */
  brief?: string;
  product: ContentSubject;
  /** 1 for the first try; a retry after a failed evaluation passes 2, 3, … so it differs. */
  attempt: number;
  /** Why the previous attempt failed (the evaluator's reasons), for a provider that can use them. */
  feedback?: readonly string[];
}>;

export type GeneratedContent = Readonly<{
  text: string;
  /** `offline` or `openai_compatible`: recorded with the draft, so a reader knows what wrote it. */
  provider: string;
  model: string;
}>;

/**
 * The port content workflows write through. The offline generator (this folder) is the
 * default; server/content adds an OpenAI-compatible provider. Either may reject: the
 * provider with a transient error worth retrying, or a permanent one.
 */
export type ContentGenerator = {
  /** `signal` (a tool's timeout, say) lets a caller stop waiting on a provider. */
  generate(request: ContentRequest, options?: GenerateOptions): Promise<GeneratedContent>;
};

export type GenerateOptions = Readonly<{ signal?: AbortSignal }>;
