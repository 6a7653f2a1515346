import type { AuditWriter } from '../governance/audit-writer.js';
import type { OperationSet } from './operation.js';

/**
 * Every mutation that succeeds through the API is a privileged call, and the audit chain
 * records who made it and with what input (outputs are left out: a new token lives only
 * in its answer). Refusals are already audited as the governor's verdicts.
 */
export function auditMutations<Ops extends OperationSet>(operations: Ops, audit: Pick<AuditWriter, 'append'>): Ops {
  const wrapped = Object.entries(operations).map(([name, operation]) => {
    if (operation.kind !== 'mutation') return [name, operation];
    return [
      name,
      Object.freeze({
        ...operation,
        async handle(principal, input) {
          const result = await operation.handle(principal, input);
          await audit.append(principal.orgUnitId, {
            kind: 'api.privileged_call',
            actor: principal.id,
            // Through JSON, so a parsed input's dates are written as the ISO strings the chain hashes.
            data: { operation: name, role: principal.role, input: JSON.parse(JSON.stringify(input)) as Record<string, unknown> },
          });
          return result;
        },
      } satisfies typeof operation),
    ];
  });
  return Object.fromEntries(wrapped) as Ops;
}
