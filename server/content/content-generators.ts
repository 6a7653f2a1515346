import { createOfflineGenerator, type ContentGenerator } from '../../engine/content/index.js';
import type { Config } from '../config/config.js';
import { createOpenAiGenerator } from './openai-generator.js';

/** The generator the configuration asks for: the offline one unless BOS_CONTENT_PROVIDER_URL names a provider. */
export function createContentGenerator(config: Config['content']): ContentGenerator {
  if (config.kind === 'offline') return createOfflineGenerator(config.quality === undefined ? {} : { quality: config.quality });
  return createOpenAiGenerator({ url: config.url, model: config.model, apiKey: config.apiKey, timeoutMs: config.timeoutMs });
}
