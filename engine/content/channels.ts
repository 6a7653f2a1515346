/**
 * Where content goes, and how long it may be there. The same three channels as the
 * `content.requested` event (server/contracts/events.ts). Limits are in words, counted as
 * the evaluator counts them; a social post also has a character cap, because the
 * platforms cut longer posts off.
 */
export const contentChannels = ['stream_script', 'product_page', 'social_post'] as const;
export type ContentChannel = (typeof contentChannels)[number];

export type ChannelLength = Readonly<{ minWords: number; maxWords: number; maxChars?: number }>;

export const channelLengths: Readonly<Record<ContentChannel, ChannelLength>> = {
  // One to three minutes spoken at about 150 words a minute.
  stream_script: { minWords: 120, maxWords: 450 },
  // Enough to carry the facts, short enough to read before scrolling.
  product_page: { minWords: 60, maxWords: 300 },
  social_post: { minWords: 10, maxWords: 60, maxChars: 280 },
};
