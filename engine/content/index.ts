export { channelLengths, contentChannels, type ChannelLength, type ContentChannel } from './channels.js';
export {
  productNameOf,
  type ContentGenerator,
  type ContentRequest,
  type ContentSubject,
  type GenerateOptions,
  type GeneratedContent,
} from './content-generator.js';
export { createOfflineGenerator, offlineModel, type OfflineGeneratorOptions } from './offline-generator.js';
