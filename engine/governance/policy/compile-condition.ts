import type { Action } from '../action.js';
import { MissingFieldError } from './missing-field-error.js';
import * as numeric from './numeric.js';
import type { CompareOperator, Expr, FieldExpr } from './policy-ast.js';
import { policyFunctions } from './policy-functions.js';
import { PolicyTypeError } from './policy-type-error.js';

type Evaluate<T> = (action: Action) => T;

/**
 * Turns a checked condition into a plain closure, once per policy version. No text, no
 * mathjs and no `eval` at evaluation time: only these closures, specialised by the static
 * types the checker proved, so a run-time type check is paid only where a field is read.
 */
export function compileCondition(expr: Expr): Evaluate<boolean> {
  return compileBoolean(expr);
}

const hasOwn = Object.hasOwn;

/** Keys from the action itself: `context.x` is `action.context.x`, `action.tool` is `action.tool`. */
const keysOf = (field: FieldExpr): readonly string[] => (field.root === 'action' ? field.path : [field.root, ...field.path]);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * Own properties only, so nothing inherited (prototypes, Object's methods) is ever read.
 * Paths of two keys (`context.x`, `action.input.amountMinor`, `projected.marginPercent`)
 * are nearly all of them, so they get a loop-free reader.
 */
function compileField(field: FieldExpr): Evaluate<unknown> {
  const keys = keysOf(field);
  const { text } = field;
  const [first, second] = keys;
  if (keys.length === 2 && first !== undefined && second !== undefined) {
    return (action) => {
      const object = hasOwn(action, first) ? (action as Record<string, unknown>)[first] : undefined;
      if (isObject(object) && hasOwn(object, second)) {
        const value = object[second];
        if (value !== undefined && value !== null) return value;
      }
      throw new MissingFieldError(text);
    };
  }
  return (action) => {
    let value: unknown = action;
    for (const key of keys) {
      if (!isObject(value) || !hasOwn(value, key)) throw new MissingFieldError(text);
      value = value[key];
    }
    if (value === undefined || value === null) throw new MissingFieldError(text);
    return value;
  };
}

function compilePresence(field: FieldExpr): Evaluate<boolean> {
  const read = compileField(field);
  return (action) => {
    try {
      read(action);
      return true;
    } catch (error) {
      if (error instanceof MissingFieldError) return false;
      throw error;
    }
  };
}

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
};

const label = (expr: Expr): string => (expr.kind === 'field' ? expr.text : 'the value');

function typeError(expr: Expr, value: unknown, needs: string): PolicyTypeError {
  return new PolicyTypeError(`${label(expr)} is ${describe(value)}, but ${needs}`);
}

function compileNumber(expr: Expr, needs: string): Evaluate<number> {
  switch (expr.kind) {
    case 'literal': {
      const value = expr.value as number;
      return () => value;
    }
    case 'unary': {
      const operand = compileNumber(expr.operand, `unary ${expr.op} needs a number`);
      return expr.op === '-' ? (action) => -operand(action) : operand;
    }
    case 'arithmetic':
      return compileArithmetic(expr);
    case 'call':
      return compileCall(expr);
    case 'field':
    case 'conditional': {
      if (expr.kind === 'conditional' && expr.type === 'number') {
        const test = compileBoolean(expr.test);
        const then = compileNumber(expr.then, needs);
        const otherwise = compileNumber(expr.otherwise, needs);
        return (action) => (test(action) ? then(action) : otherwise(action));
      }
      const read = compileValue(expr);
      return (action) => {
        const value = read(action);
        if (typeof value === 'number') return value;
        throw typeError(expr, value, needs);
      };
    }
    default:
      throw new TypeError(`internal: a ${expr.kind} is not a number`);
  }
}

function compileArithmetic(expr: Extract<Expr, { kind: 'arithmetic' }>): Evaluate<number> {
  const needs = `\`${expr.op}\` needs a number`;
  const left = compileNumber(expr.left, needs);
  const right = compileNumber(expr.right, needs);
  switch (expr.op) {
    case '+':
      return (action) => left(action) + right(action);
    case '-':
      return (action) => left(action) - right(action);
    case '*':
      return (action) => left(action) * right(action);
    case '/':
      return (action) => left(action) / right(action);
    case '%':
      return (action) => numeric.mod(left(action), right(action));
    case '^':
      return (action) => numeric.pow(left(action), right(action));
  }
}

function compileCall(expr: Extract<Expr, { kind: 'call' }>): Evaluate<number> {
  const spec = policyFunctions[expr.fn];
  if (spec === undefined) throw new TypeError(`internal: unknown function ${expr.fn}`);
  const args = expr.args.map((arg) => compileNumber(arg, `${expr.fn}() needs numbers`));
  const [x, y] = args;
  if (args.length === 1 && x !== undefined && spec.unary !== undefined) {
    const fn = spec.unary;
    return (action) => fn(x(action));
  }
  if (args.length === 2 && x !== undefined && y !== undefined && spec.binary !== undefined) {
    const fn = spec.binary;
    return (action) => fn(x(action), y(action));
  }
  const apply = spec.apply;
  return (action) => apply(args.map((arg) => arg(action)));
}

function compileBoolean(expr: Expr): Evaluate<boolean> {
  switch (expr.kind) {
    case 'literal': {
      const value = expr.value as boolean;
      return () => value;
    }
    case 'has':
      return compilePresence(expr.field);
    case 'unary': {
      const operand = compileBoolean(expr.operand);
      return (action) => !operand(action);
    }
    case 'logical': {
      const left = compileBoolean(expr.left);
      const right = compileBoolean(expr.right);
      // and/or short-circuit as in mathjs, so `has(x) and x > 1` never reads a missing x.
      if (expr.op === 'and') return (action) => left(action) && right(action);
      if (expr.op === 'or') return (action) => left(action) || right(action);
      return (action) => left(action) !== right(action);
    }
    case 'comparison':
      return compileComparison(expr);
    case 'field':
    case 'conditional': {
      if (expr.kind === 'conditional' && expr.type === 'boolean') {
        const test = compileBoolean(expr.test);
        const then = compileBoolean(expr.then);
        const otherwise = compileBoolean(expr.otherwise);
        return (action) => (test(action) ? then(action) : otherwise(action));
      }
      const read = compileValue(expr);
      return (action) => {
        const value = read(action);
        if (typeof value === 'boolean') return value;
        throw typeError(expr, value, 'a condition needs true or false');
      };
    }
    default:
      throw new TypeError(`internal: a ${expr.kind} is not true or false`);
  }
}

/** Any value, its type unchecked; the consumer checks. */
function compileValue(expr: Expr): Evaluate<unknown> {
  if (expr.kind === 'field') return compileField(expr);
  if (expr.kind === 'literal') {
    const value = expr.value;
    return () => value;
  }
  if (expr.kind === 'conditional') {
    const test = compileBoolean(expr.test);
    const then = compileValue(expr.then);
    const otherwise = compileValue(expr.otherwise);
    return (action) => (test(action) ? then(action) : otherwise(action));
  }
  if (expr.type === 'number') return compileNumber(expr, 'a number is needed');
  return compileBoolean(expr);
}

const ordering: Readonly<Record<Exclude<CompareOperator, '==' | '!='>, (x: number, y: number) => boolean>> = {
  '<': numeric.smaller,
  '>': numeric.larger,
  '<=': numeric.smallerEq,
  '>=': numeric.largerEq,
};

type Compare = (x: unknown, y: unknown) => boolean;

function compileComparison(expr: Extract<Expr, { kind: 'comparison' }>): Evaluate<boolean> {
  const { ops, operands } = expr;
  const [op] = ops;
  const [left, right] = operands;
  if (ops.length === 1 && op !== undefined && left !== undefined && right !== undefined) return compilePair(op, left, right);
  // A chain: each operand once, left to right, stopping at the first false (as mathjs does).
  const reads = operands.map((operand) => compileValue(operand));
  const compares = ops.map((chainOp, i) => comparer(chainOp, operands[i] as Expr, operands[i + 1] as Expr));
  return (action) => {
    let previous = (reads[0] as Evaluate<unknown>)(action);
    for (let i = 0; i < compares.length; i += 1) {
      const next = (reads[i + 1] as Evaluate<unknown>)(action);
      if (!(compares[i] as Compare)(previous, next)) return false;
      previous = next;
    }
    return true;
  };
}

/** The common case, `field OP constant`, without a generic chain loop. */
function compilePair(op: CompareOperator, left: Expr, right: Expr): Evaluate<boolean> {
  if (op !== '==' && op !== '!=') {
    const compare = ordering[op];
    const needs = `\`${op}\` needs a number`;
    if (left.kind === 'field' && right.kind === 'literal') return compileFieldThreshold(op, left, right.value as number);
    const x = compileNumber(left, needs);
    if (right.kind === 'literal') {
      const constant = right.value as number;
      return (action) => compare(x(action), constant);
    }
    const y = compileNumber(right, needs);
    return (action) => compare(x(action), y(action));
  }
  const equal = equality(left, right);
  const x = compileValue(left);
  const y = compileValue(right);
  return op === '==' ? (action) => equal(x(action), y(action)) : (action) => !equal(x(action), y(action));
}

/**
 * `field < constant`, the commonest condition there is, in one closure per operator so each
 * comparison is a direct call the JIT can inline.
 */
function compileFieldThreshold(op: Exclude<CompareOperator, '==' | '!='>, field: FieldExpr, constant: number): Evaluate<boolean> {
  const read = compileField(field);
  const fail = (value: unknown) => typeError(field, value, `\`${op}\` needs a number`);
  switch (op) {
    case '<':
      return (action) => {
        const value = read(action);
        if (typeof value === 'number') return numeric.smaller(value, constant);
        throw fail(value);
      };
    case '>':
      return (action) => {
        const value = read(action);
        if (typeof value === 'number') return numeric.larger(value, constant);
        throw fail(value);
      };
    case '<=':
      return (action) => {
        const value = read(action);
        if (typeof value === 'number') return numeric.smallerEq(value, constant);
        throw fail(value);
      };
    case '>=':
      return (action) => {
        const value = read(action);
        if (typeof value === 'number') return numeric.largerEq(value, constant);
        throw fail(value);
      };
  }
}

function comparer(op: CompareOperator, left: Expr, right: Expr): Compare {
  if (op === '==' || op === '!=') {
    const equal = equality(left, right);
    return op === '==' ? equal : (x, y) => !equal(x, y);
  }
  const compare = ordering[op];
  const needs = `\`${op}\` needs a number`;
  return (x, y) => {
    if (typeof x !== 'number') throw typeError(left, x, needs);
    if (typeof y !== 'number') throw typeError(right, y, needs);
    return compare(x, y);
  };
}

/**
 * Numbers compare within mathjs' tolerance, strings and booleans exactly; values of two
 * different types never compare equal, they fail closed (the checker refuses the static
 * cases, so this only meets fields holding the wrong type).
 */
function equality(left: Expr, right: Expr): Compare {
  if (left.type === 'number' && right.type === 'number') return (x, y) => numeric.equalNumbers(x as number, y as number);
  if (left.type !== 'unknown' && left.type === right.type) return (x, y) => x === y;
  return (x, y) => {
    const type = typeof x;
    if (type !== 'number' && type !== 'string' && type !== 'boolean') throw typeError(left, x, '== needs a number, string or boolean');
    if (typeof y !== type) throw new PolicyTypeError(`== compares values of one type, but ${label(left)} is ${describe(x)} and ${label(right)} is ${describe(y)}`);
    return type === 'number' ? numeric.equalNumbers(x as number, y as number) : x === y;
  };
}
