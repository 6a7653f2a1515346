/**
 * A condition met a value of the wrong type at run time (a string where a number was
 * needed, NaN in a comparison, an object where a value was needed). Like a missing field,
 * it makes the rule fail closed.
 */
export class PolicyTypeError extends Error {
  readonly code = 'POLICY_TYPE_ERROR';

  constructor(message: string) {
    super(message);
    this.name = 'PolicyTypeError';
  }
}
