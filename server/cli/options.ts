import { InvalidArgumentError } from 'commander';
import { orgUnitIdSchema } from '../contracts/common.js';

/**
 * Flag value parsers. commander reports what they throw with the flag's name, e.g.
 * "option '--expires-in-days <days>' argument '0' is invalid. must be ...", and exits 2.
 */
export function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    }
    return parsed;
  };
}

export function orgUnitId(value: string): string {
  const parsed = orgUnitIdSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues.map((issue) => issue.message).join('; '));
  return parsed.data;
}

export function text(maxLength: number): (value: string) => string {
  return (value) => {
    const trimmed = value.trim();
    if (trimmed.length === 0 || trimmed.length > maxLength) {
      throw new InvalidArgumentError(`must be 1 to ${maxLength} characters`);
    }
    return trimmed;
  };
}

export function uuid(value: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) throw new InvalidArgumentError('must be a UUID');
  return value.toLowerCase();
}
