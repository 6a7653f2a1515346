import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * SHA-256 of a simulation's inputs as RFC 8785 canonical JSON: the shop as read, the model
 * parameters and versions, the scenario(s), the seed, the sampling rule and the kernel
 * version. Two runs with the same hash computed the same thing.
 */
export function inputSha256(inputs: unknown): string {
  const text = canonicalize(inputs);
  if (text === undefined) throw new TypeError('simulation inputs have no JSON form');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
