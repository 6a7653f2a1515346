import fc from 'fast-check';
import {
  auditKinds,
  auditTimestamp,
  chainDrafts,
  genesisMark,
  prepareAuditDraft,
  type AuditInput,
  type AuditRow,
} from '../../../../engine/governance/audit/index.js';

export const orgUnitId = 'lsn_main';

/** Strings that exercise escaping: any code point (astral included), quotes, controls. */
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const number = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1e21, 1e-7, -0, 0.1, 2 ** 60, -1.5e300),
);
const leaf = fc.oneof(text, number, fc.boolean(), fc.constant(null));
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(text, tie('value'), { maxKeys: 4 }),
  ),
}));

export const auditData = fc.dictionary(text, value, { maxKeys: 5 });

export const auditInput: fc.Arbitrary<AuditInput> = fc.record({
  kind: fc.constantFrom(...auditKinds),
  actor: fc.oneof(fc.constantFrom('system', 'agent:pricer', 'user:ana'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 })),
  data: auditData,
});

/** A chain as the writer would build it, from a stream of inputs a second apart. */
export function buildChain(inputs: readonly AuditInput[], startMs = Date.UTC(2025, 0, 1)): AuditRow[] {
  const drafts = inputs.map((input, index) => prepareAuditDraft(orgUnitId, input, auditTimestamp(startMs + index * 1000)));
  return chainDrafts(genesisMark, drafts).rows;
}
