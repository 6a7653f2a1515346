import { absTol, math, relTol } from './math.js';
import { PolicyTypeError } from './policy-type-error.js';

/**
 * Number semantics of compiled conditions, kept identical to mathjs' for plain numbers so a
 * policy means what its mathjs reading means (the property test holds us to it). One
 * deliberate difference: NaN in a comparison throws instead of answering false, because a
 * quiet `false` would let a broken forecast slip through as "allow".
 */
export function nearlyEqual(x: number, y: number): boolean {
  if (x === y) return true;
  if (x !== x || y !== y) return false;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  return Math.abs(x - y) <= Math.max(relTol * Math.max(Math.abs(x), Math.abs(y)), absTol);
}

const nan = (): never => {
  throw new PolicyTypeError('a comparison met NaN (not a number), e.g. from 0/0 or a broken forecast');
};

export function smaller(x: number, y: number): boolean {
  if (x < y) return !nearlyEqual(x, y);
  return x !== x || y !== y ? nan() : false;
}

export function larger(x: number, y: number): boolean {
  if (x > y) return !nearlyEqual(x, y);
  return x !== x || y !== y ? nan() : false;
}

export function smallerEq(x: number, y: number): boolean {
  if (x <= y) return true;
  return x !== x || y !== y ? nan() : nearlyEqual(x, y);
}

export function largerEq(x: number, y: number): boolean {
  if (x >= y) return true;
  return x !== x || y !== y ? nan() : nearlyEqual(x, y);
}

export function equalNumbers(x: number, y: number): boolean {
  return x !== x || y !== y ? nan() : nearlyEqual(x, y);
}

// mathjs' floor/round/ceil snap values within tolerance of an integer (floor(2.9999999999999996)
// is 3); borrowing its kernels keeps that behaviour exact rather than approximated.
const mathFloor = (x: number): number => math.floor(x);

export const floor = (x: number, digits?: number): number => (digits === undefined ? math.floor(x) : math.floor(x, digits));
export const ceil = (x: number, digits?: number): number => (digits === undefined ? math.ceil(x) : math.ceil(x, digits));
export const round = (x: number, digits?: number): number => (digits === undefined ? math.round(x) : math.round(x, digits));

/** Floored modulo, mathjs' `mod`: the sign follows the divisor, and x % 0 is x. */
export function mod(x: number, y: number): number {
  return y === 0 ? x : x - y * mathFloor(x / y);
}

/**
 * mathjs' pow in predictable mode, except that a negative base with a fractional exponent
 * gives NaN here (mathjs takes an odd root when the exponent looks like 1/odd).
 */
export function pow(x: number, y: number): number {
  if ((x < -1 && y === Infinity) || (x > -1 && x < 0 && y === -Infinity)) return NaN;
  if ((x * x < 1 && y === Infinity) || (x * x > 1 && y === -Infinity)) return 0;
  return Math.pow(x, y);
}

/** mathjs' max/min: any NaN wins; ties within tolerance keep the earlier value. */
export function max(values: readonly number[]): number {
  let result = values[0] ?? NaN;
  for (let i = 1; i < values.length; i += 1) {
    const value = values[i] ?? NaN;
    if (result !== result) return result;
    if (value !== value || (value > result && !nearlyEqual(value, result))) result = value;
  }
  return result;
}

export function min(values: readonly number[]): number {
  let result = values[0] ?? NaN;
  for (let i = 1; i < values.length; i += 1) {
    const value = values[i] ?? NaN;
    if (result !== result) return result;
    if (value !== value || (value < result && !nearlyEqual(value, result))) result = value;
  }
  return result;
}
