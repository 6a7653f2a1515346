import type { VerdictOutcome } from '../action.js';
import { verdictOutcomes } from '../action.js';
import { checkCondition } from './check-condition.js';
import type { Token } from './lexer.js';
import { tokenize } from './lexer.js';
import { math } from './math.js';
import type { ConditionAst, PolicyAst, RuleAst, SourcePosition, ToolPattern } from './policy-ast.js';
import { PolicyParseError } from './policy-parse-error.js';
import type { SourceText } from './source-text.js';
import { sourceText } from './source-text.js';

const namePattern = /^[a-z][a-z0-9_]*$/;
const maxNameLength = 64;
/** Policies are short; the bound keeps a pasted blob from tying up the parser. */
const maxSourceLength = 64 * 1024;

/**
 * Reads one policy (grammar in docs/policy-language.md):
 *
 *   policy NAME
 *     on PATTERN (, PATTERN)*
 *     (deny | require_approval | allow) when CONDITION
 *     because "MESSAGE"
 *     ...more rules
 *
 * Header and rules are line-based. A condition runs from `when` to `because`; it may
 * continue on lines indented deeper than its rule, or inside open brackets. Every error
 * names the line and column.
 */
export function parsePolicy(text: string): PolicyAst {
  if (text.length > maxSourceLength) throw new PolicyParseError({ line: 1, column: 1 }, `a policy is at most ${maxSourceLength} characters`);
  const source = sourceText(text);
  return new PolicyParser(source, tokenize(source)).policy();
}

class PolicyParser {
  private index = 0;

  constructor(
    private readonly source: SourceText,
    private readonly tokens: readonly Token[],
  ) {}

  policy(): PolicyAst {
    const start = this.peek();
    if (start === undefined) this.fail(0, 'empty policy: expected `policy NAME`');
    if (start.text !== 'policy') this.fail(start.offset, 'a policy starts with `policy NAME`');
    this.index += 1;
    const name = this.name();
    this.endOfLine('the policy name');
    const on = this.peek();
    if (on === undefined || on.text !== 'on' || !on.firstOnLine) this.fail(on?.offset ?? this.endOffset(), 'expected `on TOOL-PATTERN` after the policy name');
    this.index += 1;
    const patterns = this.patterns();
    const rules: RuleAst[] = [];
    while (this.peek() !== undefined) rules.push(this.rule(rules.length + 1));
    if (rules.length === 0) this.fail(this.endOffset(), 'a policy needs at least one rule: `deny when CONDITION because "MESSAGE"`');
    return { name, patterns, rules, position: this.position(start.offset) };
  }

  private name(): string {
    const token = this.peek();
    if (token === undefined || token.firstOnLine) this.fail(token?.offset ?? this.endOffset(), 'expected a policy name after `policy`');
    if (token.kind !== 'identifier' || !namePattern.test(token.text) || token.text.length > maxNameLength) {
      this.fail(token.offset, `a policy name is lower_snake_case, at most ${maxNameLength} characters`);
    }
    this.index += 1;
    return token.text;
  }

  private patterns(): ToolPattern[] {
    const patterns: ToolPattern[] = [this.pattern()];
    while (this.peek()?.text === ',' && !this.peek()?.firstOnLine) {
      this.index += 1;
      patterns.push(this.pattern());
    }
    this.endOfLine('the tool patterns');
    return patterns.filter((pattern, i) => patterns.findIndex((other) => other.text === pattern.text) === i);
  }

  /** `*`, `domain.*` or `domain.verb`, written without spaces. */
  private pattern(): ToolPattern {
    const token = this.peek();
    const expected = 'expected a tool pattern like pricing.set_price, payouts.* or *';
    if (token === undefined || token.firstOnLine) return this.fail(token?.offset ?? this.endOffset(), expected);
    this.index += 1;
    if (token.text === '*') return { text: '*', domain: null, verb: null };
    if (token.kind !== 'identifier' || !namePattern.test(token.text)) return this.fail(token.offset, expected);
    const dot = this.peek();
    if (dot?.text === '.*' && dot.offset === token.end) {
      this.index += 1;
      return { text: `${token.text}.*`, domain: token.text, verb: null };
    }
    const verb = this.tokens[this.index + 1];
    if (dot?.text !== '.' || dot.offset !== token.end || verb === undefined || verb.offset !== dot.end) {
      return this.fail(dot !== undefined && !dot.firstOnLine ? dot.offset : token.end, `${expected} (a tool is domain.verb)`);
    }
    if (verb.kind !== 'identifier' || !namePattern.test(verb.text)) return this.fail(verb.offset, expected);
    this.index += 2;
    return { text: `${token.text}.${verb.text}`, domain: token.text, verb: verb.text };
  }

  private rule(index: number): RuleAst {
    const effectToken = this.peek() as Token;
    if (effectToken.text === 'policy' && effectToken.firstOnLine) this.fail(effectToken.offset, 'a file holds one policy');
    if (!effectToken.firstOnLine || !(verdictOutcomes as readonly string[]).includes(effectToken.text)) {
      this.fail(effectToken.offset, 'expected a rule: deny, require_approval or allow, at the start of a line');
    }
    const effect = effectToken.text as VerdictOutcome;
    this.index += 1;
    const when = this.peek();
    if (when === undefined || when.text !== 'when' || when.firstOnLine) this.fail(when?.firstOnLine === false ? when.offset : effectToken.end, `expected \`when\` after ${effect}`);
    this.index += 1;
    const conditionTokens = this.conditionTokens(effectToken);
    const because = this.peek() as Token;
    if (conditionTokens.length === 0) this.fail(because.offset, 'expected a condition after `when`');
    // Checked before the message is read, so errors come in the order they appear.
    const condition = this.condition(conditionTokens);
    this.index += 1;
    const message = this.peek();
    if (message === undefined || message.kind !== 'string' || message.firstOnLine) this.fail(message?.firstOnLine === false ? message.offset : because.end, 'expected a quoted message after `because`');
    if (message.value.trim() === '') this.fail(message.offset, 'the message must say why');
    this.index += 1;
    this.endOfLine('the message');
    return { index, effect, condition, message: message.value, position: this.position(effectToken.offset) };
  }

  /**
   * The tokens between `when` and `because`. A line that is not indented deeper than the
   * rule (outside brackets) ends the condition; if `because` has not come by then, the
   * author forgot it, and we say so there rather than misreading the next rule.
   */
  private conditionTokens(effect: Token): Token[] {
    const collected: Token[] = [];
    let depth = 0;
    for (;;) {
      const token = this.peek();
      if (token === undefined) return this.fail(this.endOffset(), `expected because "MESSAGE" to end the rule on line ${effect.line + 1}`);
      const previous = collected[collected.length - 1];
      // `because` cannot occur in a condition except as a field name, so it ends the
      // condition even inside an unclosed bracket (mathjs then names the bracket).
      if (token.text === 'because' && previous?.text !== '.') return collected;
      if (depth === 0 && token.firstOnLine && token.indent <= effect.indent) {
        this.fail(token.offset, `expected because "MESSAGE" to end the rule on line ${effect.line + 1} (a condition continues only on lines indented deeper than its rule)`);
      }
      if (token.text === '(' || token.text === '[') depth += 1;
      if ((token.text === ')' || token.text === ']') && depth > 0) depth -= 1;
      collected.push(token);
      this.index += 1;
    }
  }

  /**
   * Hands mathjs the condition's own text, with comments and line breaks blanked to spaces
   * so its character offsets stay those of the file.
   */
  private condition(tokens: readonly Token[]): ConditionAst {
    const first = tokens[0] as Token;
    let text = '';
    let cursor = first.offset;
    for (const token of tokens) {
      text += ' '.repeat(token.offset - cursor) + token.text;
      cursor = token.end;
    }
    let node;
    try {
      node = math.parse(text);
    } catch (error) {
      const char = (error as { char?: unknown }).char;
      const offset = first.offset + (typeof char === 'number' ? Math.max(char - 1, 0) : 0);
      // mathjs recurses per bracket; a stack overflow means brackets nested absurdly deep.
      const reason =
        error instanceof RangeError ? 'the condition is nested too deeply' : error instanceof Error ? error.message.replace(/\s*\(char \d+\)$/, '') : String(error);
      return this.fail(Math.min(offset, (tokens[tokens.length - 1] as Token).end), reason, error);
    }
    return { text, math: node, expr: checkCondition(node, tokens, this.source), position: this.position(first.offset) };
  }

  private endOfLine(after: string): void {
    const next = this.peek();
    if (next !== undefined && !next.firstOnLine) this.fail(next.offset, `unexpected ${next.text} after ${after}`);
  }

  /** Where an error about missing text points: just after the last token. */
  private endOffset(): number {
    return this.tokens[this.tokens.length - 1]?.end ?? 0;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private position(offset: number): SourcePosition {
    return this.source.positionAt(offset);
  }

  private fail(offset: number, reason: string, cause?: unknown): never {
    throw new PolicyParseError(this.position(offset), reason, cause === undefined ? undefined : { cause });
  }
}
