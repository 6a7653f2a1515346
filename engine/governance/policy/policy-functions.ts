import * as numeric from './numeric.js';

/**
 * The functions a condition may call: pure, total over numbers, returning a number. Each
 * entry says its arity and how to apply it. `has(path)` is not here: it takes a field path,
 * not a value, and is handled by the checker and compiler directly.
 */
export type PolicyFunction = Readonly<{
  minArgs: number;
  /** `Infinity` for min/max. */
  maxArgs: number;
  apply: (args: readonly number[]) => number;
  /** Fast paths the compiler uses when the arity is known. */
  unary?: (x: number) => number;
  binary?: (x: number, y: number) => number;
}>;

const one = (fn: (x: number) => number): PolicyFunction => ({ minArgs: 1, maxArgs: 1, unary: fn, apply: (args) => fn(args[0] ?? NaN) });

const oneOrTwo = (fn: (x: number, y?: number) => number): PolicyFunction => ({
  minArgs: 1,
  maxArgs: 2,
  unary: (x) => fn(x),
  binary: (x, y) => fn(x, y),
  apply: (args) => (args.length === 1 ? fn(args[0] ?? NaN) : fn(args[0] ?? NaN, args[1] ?? NaN)),
});

const variadic = (fn: (values: readonly number[]) => number): PolicyFunction => ({
  minArgs: 1,
  maxArgs: Infinity,
  unary: (x) => fn([x]),
  binary: (x, y) => fn([x, y]),
  apply: fn,
});

export const policyFunctions: Readonly<Record<string, PolicyFunction>> = Object.freeze({
  abs: one(Math.abs),
  ceil: oneOrTwo(numeric.ceil),
  exp: one(Math.exp),
  floor: oneOrTwo(numeric.floor),
  log: oneOrTwo((x, base) => (base === undefined ? Math.log(x) : Math.log(x) / Math.log(base))),
  log10: one(Math.log10),
  log2: one(Math.log2),
  max: variadic(numeric.max),
  min: variadic(numeric.min),
  round: oneOrTwo(numeric.round),
  sign: one(Math.sign),
  sqrt: one(Math.sqrt),
});

export const policyFunctionNames: readonly string[] = [...Object.keys(policyFunctions), 'has'].sort();

export function isPolicyFunction(name: string): boolean {
  return Object.hasOwn(policyFunctions, name);
}
