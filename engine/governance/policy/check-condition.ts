import type { AccessorNode, ConditionalNode, ConstantNode, FunctionNode, MathNode, ParenthesisNode, RelationalNode, SymbolNode } from 'mathjs';
import type { Token } from './lexer.js';
import { math } from './math.js';
import type { ArithmeticOperator, CompareOperator, Expr, FieldExpr, LogicalOperator, PolicyRoot, SourcePosition, ValueType } from './policy-ast.js';
import { policyRoots } from './policy-ast.js';
import { isPolicyFunction, policyFunctionNames, policyFunctions } from './policy-functions.js';
import { PolicyParseError } from './policy-parse-error.js';
import type { SourceText } from './source-text.js';

// mathjs types OperatorNode with generics that collapse to `never` when unspecified; this
// is the shape every OperatorNode has at run time.
type OperatorNodeShape = MathNode & { op: string; fn: string; args: MathNode[]; implicit: boolean; isPercentage?: boolean };

/** Names that reach into prototypes; refused wherever they appear in a condition. */
const forbiddenNames = new Set(['constructor', '__proto__', 'prototype']);

const unaryOperators: Readonly<Record<string, '-' | '+' | 'not'>> = { unaryMinus: '-', unaryPlus: '+', not: 'not' };
const arithmeticOperators: Readonly<Record<string, ArithmeticOperator>> = { add: '+', subtract: '-', multiply: '*', divide: '/', mod: '%', pow: '^' };
const logicalOperators: Readonly<Record<string, LogicalOperator>> = { and: 'and', or: 'or', xor: 'xor' };
const compareOperators: Readonly<Record<string, CompareOperator>> = { equal: '==', unequal: '!=', smaller: '<', larger: '>', smallerEq: '<=', largerEq: '>=' };

const refusedOperators: Readonly<Record<string, string>> = {
  to: 'unit conversion (to, in) is not allowed',
  nullish: '`??` is not allowed: test presence with has(...)',
  dotMultiply: 'element-wise operators are not allowed',
  dotDivide: 'element-wise operators are not allowed',
  dotPow: 'element-wise operators are not allowed',
  bitAnd: 'bitwise operators are not allowed',
  bitOr: 'bitwise operators are not allowed',
  bitXor: 'bitwise operators are not allowed',
  bitNot: 'bitwise operators are not allowed',
  leftShift: 'bit shifts are not allowed',
  rightArithShift: 'bit shifts are not allowed',
  rightLogShift: 'bit shifts are not allowed',
  factorial: 'factorials are not allowed',
  ctranspose: 'matrix operators are not allowed',
  transpose: 'matrix operators are not allowed',
};

const rootList = policyRoots.map((root) => `${root}.`).join(', ');
const isRoot = (name: string): name is PolicyRoot => (policyRoots as readonly string[]).includes(name);

/**
 * Checks a parsed mathjs condition against the sandbox and types it, producing the small
 * `Expr` tree the compiler reads. Whatever is not explicitly allowed is refused here, at
 * parse time, with the position of the offending token.
 *
 * mathjs nodes carry no source positions, so the check walks the tree in source order and
 * consumes the condition's tokens as it goes: each node's position is that of the token it
 * was read from. Should the pairing ever drift (a mathjs change), positions fall back to
 * the start of the condition rather than blaming the wrong token.
 */
export function checkCondition(node: MathNode, tokens: readonly Token[], source: SourceText): Expr {
  const walk = new TokenWalk(tokens, source);
  refusePercentages(node, walk);
  const expr = new ConditionChecker(walk).convert(node);
  if (expr.type !== 'boolean' && expr.type !== 'unknown') walk.fail(expr.position, `a condition must be true or false, but this is a ${expr.type}`);
  return expr;
}

class TokenWalk {
  private index = 0;
  private lost = false;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly source: SourceText,
  ) {}

  position(): SourcePosition {
    const token = this.tokens[this.index];
    const first = this.tokens[0];
    if (this.lost || token === undefined) {
      const last = this.tokens[this.tokens.length - 1];
      return this.source.positionAt(this.lost || last === undefined ? (first?.offset ?? 0) : last.end);
    }
    return this.source.positionAt(token.offset);
  }

  /** Consumes the next token if it is the one the tree says comes next. */
  take(expected: (token: Token) => boolean): SourcePosition {
    const position = this.position();
    const token = this.tokens[this.index];
    if (!this.lost && token !== undefined && expected(token)) this.index += 1;
    else this.lost = true;
    return position;
  }

  takeText(text: string): SourcePosition {
    return this.take((token) => token.text === text);
  }

  /** The position of the next token with this text, without consuming anything. */
  find(text: string): SourcePosition {
    const ahead = this.tokens.slice(this.index).find((token) => token.text === text);
    return ahead === undefined || this.lost ? this.position() : this.source.positionAt(ahead.offset);
  }

  findPosition(predicate: (token: Token, next: Token | undefined) => boolean): SourcePosition | undefined {
    const index = this.tokens.findIndex((token, i) => predicate(token, this.tokens[i + 1]));
    const token = this.tokens[index];
    return token === undefined ? undefined : this.source.positionAt(token.offset);
  }

  fail(position: SourcePosition, reason: string): never {
    throw new PolicyParseError(position, reason);
  }
}

/**
 * mathjs reads a trailing `%` as "divide by 100" and rewrites `a + 5%` into a tree that
 * repeats `a`, which the token walk cannot follow; so percentages are refused up front, at
 * the first `%` that does not start another term (which is how mathjs decides).
 */
function refusePercentages(node: MathNode, walk: TokenWalk): void {
  if (node.filter((child) => (child as OperatorNodeShape).isPercentage === true).length === 0) return;
  const binaryWords = new Set(['and', 'or', 'xor', 'mod', 'to', 'in']);
  const startsTerm = (token: Token | undefined) =>
    token !== undefined &&
    (token.kind === 'number' || token.kind === 'string' || (token.kind === 'identifier' && !binaryWords.has(token.text)) || ['(', '[', '-', '+'].includes(token.text));
  const position = walk.findPosition((token, next) => token.text === '%' && !startsTerm(next)) ?? walk.position();
  walk.fail(position, 'percent literals (5%) are not allowed: write 0.05');
}

/** Deeper than any sensible condition; bounds the recursion of checking and evaluating. */
const maxDepth = 256;

class ConditionChecker {
  private depth = 0;

  constructor(private readonly walk: TokenWalk) {}

  convert(node: MathNode): Expr {
    if (this.depth >= maxDepth) this.walk.fail(this.walk.position(), `the condition is too deep (more than ${maxDepth} nested operations): split it into several rules`);
    this.depth += 1;
    try {
      return this.convertNode(node);
    } finally {
      this.depth -= 1;
    }
  }

  private convertNode(node: MathNode): Expr {
    switch (node.type) {
      case 'ParenthesisNode': {
        this.walk.takeText('(');
        const inner = this.convert((node as ParenthesisNode).content);
        this.walk.takeText(')');
        return inner;
      }
      case 'ConstantNode':
        return this.constant(node as ConstantNode<never>);
      case 'SymbolNode':
        return this.bareName(node as SymbolNode);
      case 'AccessorNode':
        return this.field(node);
      case 'FunctionNode':
        return this.call(node as FunctionNode<MathNode>);
      case 'OperatorNode':
        return this.operator(node as OperatorNodeShape);
      case 'RelationalNode':
        return this.relational(node as RelationalNode);
      case 'ConditionalNode':
        return this.conditional(node as ConditionalNode);
      case 'AssignmentNode':
        return this.walk.fail(this.walk.find('='), 'assignment (=) is not allowed: compare with ==');
      case 'FunctionAssignmentNode':
        return this.walk.fail(this.walk.position(), 'defining functions is not allowed');
      case 'ArrayNode':
        return this.walk.fail(this.walk.position(), 'lists ([...]) are not allowed');
      case 'RangeNode':
        return this.walk.fail(this.walk.position(), 'ranges (a:b) are not allowed');
      case 'ObjectNode':
        return this.walk.fail(this.walk.position(), 'object literals are not allowed');
      case 'BlockNode':
        return this.walk.fail(this.walk.position(), 'a rule holds one expression');
      default:
        return this.walk.fail(this.walk.position(), `${node.type} is not allowed in a condition`);
    }
  }

  private constant(node: ConstantNode<never>): Expr {
    const value: unknown = node.value;
    const position = this.walk.take((token) =>
      typeof value === 'string' ? token.kind === 'string' : typeof value === 'number' ? token.kind === 'number' || token.text === 'Infinity' || token.text === 'NaN' : token.kind === 'identifier',
    );
    if (typeof value === 'number') {
      if (Number.isNaN(value)) this.walk.fail(position, 'NaN is not a value a policy can use');
      return { kind: 'literal', type: 'number', value, position };
    }
    if (typeof value === 'string') {
      if (forbiddenNames.has(value)) this.walk.fail(position, `"${value}" is not allowed in policies`);
      return { kind: 'literal', type: 'string', value, position };
    }
    if (typeof value === 'boolean') return { kind: 'literal', type: 'boolean', value, position };
    return this.walk.fail(position, `${String(value)} is not a value: test presence with has(...)`);
  }

  private bareName(node: SymbolNode): never {
    const position = this.walk.take((token) => token.text === node.name);
    this.refuseForbidden(node.name, position);
    if (isRoot(node.name)) this.walk.fail(position, `${node.name} on its own is an object: name one of its fields, e.g. ${node.name}.x`);
    if (node.name === 'has' || isPolicyFunction(node.name)) this.walk.fail(position, `${node.name} is a function: call it, e.g. ${node.name}(x)`);
    return this.walk.fail(position, this.unknownRoot(node.name));
  }

  private field(node: MathNode): FieldExpr {
    const { root, path, position } = this.path(node);
    if (path.length === 0) this.walk.fail(position, `${root} on its own is an object: name one of its fields, e.g. ${root}.x`);
    return { kind: 'field', type: 'unknown', root, path, text: [root, ...path].join('.'), position };
  }

  /** A field path: a root name, then `.name` or `["name"]` segments, nothing else. */
  private path(node: MathNode): { root: PolicyRoot; path: string[]; position: SourcePosition } {
    if (node.type === 'SymbolNode') {
      const { name } = node as SymbolNode;
      const position = this.walk.take((token) => token.text === name);
      this.refuseForbidden(name, position);
      if (!isRoot(name)) this.walk.fail(position, this.unknownRoot(name));
      return { root: name, path: [], position };
    }
    if (node.type !== 'AccessorNode') {
      return this.walk.fail(this.walk.position(), `properties can only be read from ${rootList.replaceAll('.', '')}`);
    }
    const accessor = node as AccessorNode;
    const base = this.path(accessor.object);
    const { dimensions, dotNotation } = accessor.index;
    if (accessor.optionalChaining) this.walk.fail(this.walk.position(), 'optional chaining (?.) is not allowed: test presence with has(...)');
    if (dotNotation) {
      this.walk.takeText('.');
      const name = String((dimensions[0] as ConstantNode<never> | undefined)?.value);
      this.refuseForbidden(name, this.walk.take((token) => token.text === name));
      return { ...base, path: [...base.path, name] };
    }
    const open = this.walk.takeText('[');
    const [key, ...more] = dimensions;
    if (key === undefined || more.length > 0) this.walk.fail(open, 'one key per [...]');
    const value: unknown = key.type === 'ConstantNode' ? (key as ConstantNode<never>).value : undefined;
    if (typeof value === 'number') this.walk.fail(this.walk.position(), 'lists cannot be indexed in policies: only fields of objects can be read');
    if (typeof value !== 'string') this.walk.fail(this.walk.position(), 'a key in [...] must be a constant string, like ["name"]');
    this.refuseForbidden(value, this.walk.take((token) => token.kind === 'string'));
    this.walk.takeText(']');
    return { ...base, path: [...base.path, value] };
  }

  private call(node: FunctionNode<MathNode>): Expr {
    if (node.fn.type !== 'SymbolNode') this.walk.fail(this.walk.position(), `only the built-in functions can be called: ${policyFunctionNames.join(', ')}`);
    const { name } = node.fn as SymbolNode;
    const position = this.walk.take((token) => token.text === name);
    this.refuseForbidden(name, position);
    if (name === 'has') return this.has(node, position);
    const spec = policyFunctions[name];
    if (spec === undefined) {
      if (isRoot(name)) this.walk.fail(position, `${name} is not a function`);
      const known = name in math;
      this.walk.fail(position, `${known ? `the mathjs function ${name}() is not allowed in policies` : `unknown function ${name}()`}; allowed: ${policyFunctionNames.join(', ')}`);
    }
    const count = node.args.length;
    if (count < spec.minArgs || count > spec.maxArgs) {
      const wanted = spec.maxArgs === Infinity ? `at least ${spec.minArgs}` : spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs} or ${spec.maxArgs}`;
      this.walk.fail(position, `${name}() takes ${wanted} argument${wanted === '1' ? '' : 's'}, got ${count}`);
    }
    this.walk.takeText('(');
    const args = node.args.map((arg, i) => {
      if (i > 0) this.walk.takeText(',');
      return this.number(this.convert(arg), `${name}()`);
    });
    this.walk.takeText(')');
    return { kind: 'call', type: 'number', fn: name, args, position };
  }

  private has(node: FunctionNode<MathNode>, position: SourcePosition): Expr {
    const [arg, ...more] = node.args;
    if (arg === undefined || more.length > 0) this.walk.fail(position, 'has() takes one field path, e.g. has(context.reconciled)');
    this.walk.takeText('(');
    if (arg.type !== 'AccessorNode') this.walk.fail(this.walk.position(), 'has() takes a field path, e.g. has(context.reconciled)');
    const field = this.field(arg);
    this.walk.takeText(')');
    return { kind: 'has', type: 'boolean', field, position };
  }

  private operator(node: OperatorNodeShape): Expr {
    const [first, second, ...rest] = node.args;
    if (first === undefined || rest.length > 0) return this.walk.fail(this.walk.position(), `operator ${node.op} is not allowed`);
    if (second === undefined) {
      const op = unaryOperators[node.fn];
      if (op === undefined) return this.walk.fail(this.walk.position(), refusedOperators[node.fn] ?? `operator ${node.op} is not allowed`);
      const position = this.walk.takeText(node.op);
      const operand = this.convert(first);
      if (op === 'not') return { kind: 'unary', type: 'boolean', op, operand: this.boolean(operand, 'not'), position };
      return { kind: 'unary', type: 'number', op, operand: this.number(operand, `unary ${op}`), position };
    }
    const left = this.convert(first);
    if (node.implicit) this.walk.fail(this.walk.position(), 'implicit multiplication is not allowed: write * between the terms');
    const arithmetic = arithmeticOperators[node.fn];
    const logical = logicalOperators[node.fn];
    const compare = compareOperators[node.fn];
    if (arithmetic === undefined && logical === undefined && compare === undefined) {
      return this.walk.fail(this.walk.position(), refusedOperators[node.fn] ?? `operator ${node.op} is not allowed`);
    }
    const position = this.walk.takeText(node.op);
    const right = this.convert(second);
    if (arithmetic !== undefined) {
      const what = `\`${arithmetic}\``;
      return { kind: 'arithmetic', type: 'number', op: arithmetic, left: this.number(left, what), right: this.number(right, what), position };
    }
    if (logical !== undefined) {
      return { kind: 'logical', type: 'boolean', op: logical, left: this.boolean(left, logical), right: this.boolean(right, logical), position };
    }
    const op = compare as CompareOperator;
    this.comparable(op, left, right, position);
    return { kind: 'comparison', type: 'boolean', ops: [op], operands: [left, right], position };
  }

  private relational(node: RelationalNode): Expr {
    const [first, ...others] = node.params;
    if (first === undefined) return this.walk.fail(this.walk.position(), 'empty comparison');
    const head = this.convert(first);
    const operands = [head];
    const ops: CompareOperator[] = [];
    let position: SourcePosition | undefined;
    others.forEach((param, i) => {
      const op = compareOperators[node.conditionals[i] ?? ''];
      if (op === undefined) this.walk.fail(this.walk.position(), `comparison ${String(node.conditionals[i])} is not allowed`);
      const at = this.walk.takeText(op);
      position ??= at;
      const operand = this.convert(param);
      this.comparable(op, operands[operands.length - 1] as Expr, operand, at);
      operands.push(operand);
      ops.push(op);
    });
    return { kind: 'comparison', type: 'boolean', ops, operands, position: position ?? head.position };
  }

  private conditional(node: ConditionalNode): Expr {
    const test = this.boolean(this.convert(node.condition), 'the test of ?:');
    const position = this.walk.takeText('?');
    const then = this.convert(node.trueExpr);
    this.walk.takeText(':');
    const otherwise = this.convert(node.falseExpr);
    let type: ValueType = 'unknown';
    if (then.type === otherwise.type) type = then.type;
    else if (then.type !== 'unknown' && otherwise.type !== 'unknown') {
      this.walk.fail(position, `both branches of ?: must have the same type, but one is a ${then.type} and the other a ${otherwise.type}`);
    }
    return { kind: 'conditional', type, test, then, otherwise, position };
  }

  private comparable(op: CompareOperator, left: Expr, right: Expr, position: SourcePosition): void {
    if (op === '==' || op === '!=') {
      if (left.type !== 'unknown' && right.type !== 'unknown' && left.type !== right.type) {
        this.walk.fail(position, `${op} compares values of one type, but this compares a ${left.type} with a ${right.type}`);
      }
      return;
    }
    this.number(left, `\`${op}\``);
    this.number(right, `\`${op}\``);
  }

  private number(expr: Expr, what: string): Expr {
    if (expr.type !== 'number' && expr.type !== 'unknown') this.walk.fail(expr.position, `${what} needs a number, but this is a ${expr.type}`);
    return expr;
  }

  private boolean(expr: Expr, what: string): Expr {
    if (expr.type !== 'boolean' && expr.type !== 'unknown') this.walk.fail(expr.position, `${what} needs true or false, but this is a ${expr.type}`);
    return expr;
  }

  private refuseForbidden(name: string, position: SourcePosition): void {
    if (forbiddenNames.has(name)) this.walk.fail(position, `\`${name}\` is not allowed in policies`);
  }

  private unknownRoot(name: string): string {
    return `unknown name ${name}: a field starts with ${rootList}`;
  }
}
