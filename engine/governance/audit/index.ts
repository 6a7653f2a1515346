export { AuditEntryError } from './audit-entry-error.js';
export {
  auditTimestamp,
  genesisHash,
  genesisMark,
  maxAuditDataBytes,
  type AuditEntry,
  type AuditRow,
  type ChainMark,
  type JsonValue,
} from './audit-entry.js';
export { auditKinds, isAuditKind, type AuditKind } from './audit-kinds.js';
export { canonicalDataText, canonicalEntryText } from './canonical-entry-text.js';
export { chainDrafts, prepareAuditDraft, type AuditDraft, type AuditInput } from './chain-drafts.js';
export { chainHash, createChainHasher } from './chain-hash.js';
export {
  AuditExportFormatError,
  formatCheckpoint,
  formatExportLine,
  parseCheckpoint,
  parseExportLine,
  type AuditCheckpoint,
} from './export-format.js';
export {
  chainFailureReasons,
  verifyChain,
  verifyChainEnd,
  type ChainBroken,
  type ChainFailureReason,
  type ChainVerification,
  type ChainVerified,
  type VerifyChainOptions,
} from './verify-chain.js';
