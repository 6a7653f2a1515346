export {
  contentCriteria,
  criterionFloor,
  criterionWeights,
  passThreshold,
  readabilityTarget,
  readabilityZero,
  scoreContent,
  type ContentCriterion,
  type ContentScore,
  type ContentScoreInput,
  type CriterionScore,
} from './content-score.js';
export { bannedClaimKinds, bannedClaims, findBannedClaims, type BannedClaim, type BannedClaimKind, type BannedClaimMatch } from './banned-claims.js';
export { fleschBand, readabilityOf, syllablesInWord, type Readability } from './readability.js';
export {
  checkDetectorParams,
  createDetector,
  defaultDetectorParams,
  detectorKinds,
  observe,
  resetDetector,
  type DetectorAlarm,
  type DetectorKind,
  type DetectorParams,
  type DetectorState,
  type DetectorStep,
} from './regression.js';
export { parseDetectorState } from './detector-state-schema.js';
export { containsPhrase, sentenceCount, wordsOf } from './text.js';
