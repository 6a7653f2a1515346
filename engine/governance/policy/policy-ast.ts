import type { MathNode } from 'mathjs';
import type { VerdictOutcome } from '../action.js';

export type SourcePosition = Readonly<{ line: number; column: number }>;

/** The only names a condition may start a path with (docs/policy-language.md, "Roots"). */
export const policyRoots = ['action', 'context', 'projected', 'risk'] as const;
export type PolicyRoot = (typeof policyRoots)[number];

/** What the checker knows statically; `unknown` is a field read, checked at run time. */
export type ValueType = 'number' | 'string' | 'boolean' | 'unknown';

export type CompareOperator = '==' | '!=' | '<' | '>' | '<=' | '>=';
export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%' | '^';
export type LogicalOperator = 'and' | 'or' | 'xor';

type Node<Kind extends string, Fields> = Readonly<{ kind: Kind; type: ValueType; position: SourcePosition } & Fields>;

export type FieldExpr = Node<'field', { root: PolicyRoot; path: readonly string[]; text: string }>;

/** The checked condition: only what the sandbox allows survives into this shape. */
export type Expr =
  | Node<'literal', { value: number | string | boolean }>
  | FieldExpr
  | Node<'has', { field: FieldExpr }>
  | Node<'unary', { op: '-' | '+' | 'not'; operand: Expr }>
  | Node<'arithmetic', { op: ArithmeticOperator; left: Expr; right: Expr }>
  | Node<'logical', { op: LogicalOperator; left: Expr; right: Expr }>
  /** `a < b <= c` chains as in mathjs: each adjacent pair is compared, middle terms once. */
  | Node<'comparison', { ops: readonly CompareOperator[]; operands: readonly Expr[] }>
  | Node<'conditional', { test: Expr; then: Expr; otherwise: Expr }>
  | Node<'call', { fn: string; args: readonly Expr[] }>;

/** `*` (every tool), `domain.*`, or one exact `domain.verb`. */
export type ToolPattern = Readonly<{ text: string; domain: string | null; verb: string | null }>;

export type ConditionAst = Readonly<{
  /** The expression as handed to mathjs (comments and line breaks blanked to spaces). */
  text: string;
  /** The mathjs AST the checker accepted. */
  math: MathNode;
  expr: Expr;
  position: SourcePosition;
}>;

export type RuleAst = Readonly<{
  /** 1-based, in source order; `RuleMatch.rule` carries it. */
  index: number;
  effect: VerdictOutcome;
  condition: ConditionAst;
  message: string;
  position: SourcePosition;
}>;

export type PolicyAst = Readonly<{
  name: string;
  patterns: readonly ToolPattern[];
  rules: readonly RuleAst[];
  position: SourcePosition;
}>;
