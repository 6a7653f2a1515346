/**
 * Claims no text we publish may make: promises nobody can keep, and health, medical or
 * weight-loss claims that consumer-protection rules reserve for substantiated products.
 * Each pattern is matched whole-word and case-insensitively; a space or hyphen in it is
 * spelled `[\s-]`, so "risk free", "risk-free" and "Risk  Free" are one claim. The list
 * leaves the catalog's own facts alone ("dermatologist tested", "vet recommended",
 * "non-toxic", "Treat Pouch"): a unit test holds it to that.
 */
export const bannedClaimKinds = ['absolute_promise', 'safety', 'health', 'weight_loss'] as const;
export type BannedClaimKind = (typeof bannedClaimKinds)[number];

export type BannedClaim = Readonly<{ claim: string; kind: BannedClaimKind; pattern: string }>;

export const bannedClaims: readonly BannedClaim[] = [
  { claim: 'guaranteed', kind: 'absolute_promise', pattern: String.raw`guarantee[ds]?` },
  { claim: 'risk-free', kind: 'absolute_promise', pattern: String.raw`risk[\s-]*free` },
  { claim: 'no risk', kind: 'absolute_promise', pattern: String.raw`no[\s-]+risk` },
  { claim: 'miracle', kind: 'absolute_promise', pattern: String.raw`miracles?|miraculous(?:ly)?` },
  { claim: 'instant results', kind: 'absolute_promise', pattern: String.raw`(?:instant|permanent)[\s-]+results?` },
  { claim: '100% safe', kind: 'safety', pattern: String.raw`100\s*%[\s-]*safe` },
  { claim: 'completely safe', kind: 'safety', pattern: String.raw`(?:completely|totally|perfectly|absolutely)[\s-]+safe` },
  { claim: 'no side effects', kind: 'safety', pattern: String.raw`no[\s-]+side[\s-]+effects?` },
  { claim: 'cure', kind: 'health', pattern: String.raw`cur(?:e|es|ed|ing)` },
  { claim: 'heals', kind: 'health', pattern: String.raw`heal(?:s|ed|ing)?` },
  { claim: 'clinically proven', kind: 'health', pattern: String.raw`(?:clinically|medically|scientifically)[\s-]+(?:proven|shown)` },
  { claim: 'FDA approved', kind: 'health', pattern: String.raw`fda[\s-]+(?:approved|cleared)` },
  {
    claim: 'treats or prevents a disease',
    kind: 'health',
    pattern: String.raw`(?:treats?|prevents?|fights?)[\s-]+(?:diseases?|illness(?:es)?|infections?|acne|eczema|cancer|arthritis|diabetes|anxiety|depression)`,
  },
  { claim: 'boosts immunity', kind: 'health', pattern: String.raw`boost(?:s|ing)?[\s-]+(?:your[\s-]+)?(?:immunity|immune[\s-]+system)` },
  { claim: 'detox', kind: 'health', pattern: String.raw`detox(?:es|ing|ify|ifies|ifying)?` },
  { claim: 'anti-inflammatory', kind: 'health', pattern: String.raw`anti[\s-]*inflammatory` },
  { claim: 'pain relief', kind: 'health', pattern: String.raw`pain[\s-]+relie(?:f|ver)|relieves?[\s-]+pain` },
  { claim: 'weight loss', kind: 'weight_loss', pattern: String.raw`weight[\s-]+loss|los(?:e|es|ing)[\s-]+weight` },
  { claim: 'burns fat', kind: 'weight_loss', pattern: String.raw`(?:burns?|burning|melts?)[\s-]+(?:belly[\s-]+)?fat|fat[\s-]+burn(?:ing|er|ers)?` },
  { claim: 'slimming', kind: 'weight_loss', pattern: String.raw`slimming|slims?[\s-]+(?:you|your)` },
];

export type BannedClaimMatch = Readonly<{ claim: string; kind: BannedClaimKind; phrase: string; index: number }>;

const compiled = bannedClaims.map((entry) => ({
  entry,
  // Letters or digits on either side mean the match is inside a longer word ("secure", "healthy").
  regex: new RegExp(String.raw`(?<![\p{L}\p{N}])(?:${entry.pattern})(?![\p{L}\p{N}])`, 'giu'),
}));

/** Every banned claim in the text, in the order they appear, each with the phrase as written. */
export function findBannedClaims(text: string): BannedClaimMatch[] {
  const matches: BannedClaimMatch[] = [];
  for (const { entry, regex } of compiled) {
    for (const found of text.matchAll(regex)) {
      matches.push({ claim: entry.claim, kind: entry.kind, phrase: found[0], index: found.index });
    }
  }
  return matches.sort((a, b) => a.index - b.index);
}
