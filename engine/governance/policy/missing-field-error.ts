/**
 * A condition read a field the action does not carry (absent, `undefined` or `null`). The
 * evaluator turns it into a fail-closed deny: a policy that cannot see its input must not
 * allow by accident.
 */
export class MissingFieldError extends Error {
  readonly code = 'POLICY_FIELD_MISSING';
  readonly path: string;

  constructor(path: string) {
    super(`missing field ${path}`);
    this.name = 'MissingFieldError';
    this.path = path;
  }
}
