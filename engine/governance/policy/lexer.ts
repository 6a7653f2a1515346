import { PolicyParseError } from './policy-parse-error.js';
import type { SourceText } from './source-text.js';

export type TokenKind = 'identifier' | 'number' | 'string' | 'operator';

export type Token = Readonly<{
  kind: TokenKind;
  /** The source text of the token (a string token keeps its quotes). */
  text: string;
  /** The decoded value of a string token. */
  value: string;
  offset: number;
  end: number;
  /** 0-based line index and whether the token is the first on its line. */
  line: number;
  firstOnLine: boolean;
  /** Column (0-based, in UTF-16 units) of the first token on this token's line. */
  indent: number;
}>;

// Longest first: `.*` must win over `.` so `pricing.*` and mathjs' `a.*b` lex alike.
const operators = ['==', '!=', '<=', '>=', '.*', './', '.^', '??', '+', '-', '*', '/', '%', '^', '(', ')', '[', ']', ',', '.', '?', ':', '<', '>', '='];

const rejected: Readonly<Record<string, string>> = {
  "'": 'use double quotes for strings',
  '!': '`!` is not an operator here: use not, or != for "not equal"',
  ';': 'a rule holds one expression: no `;`',
  '&': 'bitwise operators are not allowed: use and',
  '|': 'bitwise operators are not allowed: use or',
  '~': 'bitwise operators are not allowed: use not',
  '{': 'object literals are not allowed',
  '}': 'object literals are not allowed',
};

const escapes: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isNameStart = (c: string | undefined) => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
const isNamePart = (c: string | undefined) => isNameStart(c) || isDigit(c);

/**
 * Splits a policy text into tokens. The token set is deliberately a subset of what mathjs
 * reads, lexed the same way, so the checker can pair each mathjs node with the token it
 * came from and report exact positions. Comments (`#` to end of line) and blanks vanish.
 */
export function tokenize(source: SourceText): Token[] {
  const text = source.text;
  const tokens: Token[] = [];
  const fail = (offset: number, reason: string): never => {
    throw new PolicyParseError(source.positionAt(offset), reason);
  };
  let line = 0;
  let lineStart = 0;
  let indent = -1;
  let i = 0;
  const push = (kind: TokenKind, end: number, value = '') => {
    const firstOnLine = indent < 0;
    if (firstOnLine) indent = i - lineStart;
    tokens.push({ kind, text: text.slice(i, end), value, offset: i, end, line, firstOnLine, indent });
    i = end;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '\n' || c === '\r') {
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      lineStart = i;
      indent = -1;
    } else if (c === ' ' || c === '\t') {
      i += 1;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i += 1;
    } else if (isNameStart(c)) {
      let end = i + 1;
      while (isNamePart(text[end])) end += 1;
      push('identifier', end);
    } else if (isDigit(c) || (c === '.' && isDigit(text[i + 1]))) {
      push('number', scanNumber(text, i, fail));
    } else if (c === '"') {
      const [end, value] = scanString(text, i, fail);
      push('string', end, value);
    } else {
      const operator = operators.find((op) => text.startsWith(op, i));
      // `?.` would be mathjs' optional chaining; `?` before `.5` is a ternary.
      if (c === '?' && text[i + 1] === '.' && !isDigit(text[i + 2])) fail(i, 'optional chaining (?.) is not allowed: test presence with has(...)');
      if (operator !== undefined) push('operator', i + operator.length);
      else fail(i, rejected[c ?? ''] ?? `unexpected character ${JSON.stringify(c)}`);
    }
  }
  return tokens;
}

function scanNumber(text: string, start: number, fail: (offset: number, reason: string) => never): number {
  let end = start;
  while (isDigit(text[end])) end += 1;
  if (text[end] === '.' && isDigit(text[end + 1])) {
    end += 1;
    while (isDigit(text[end])) end += 1;
  }
  if ((text[end] === 'e' || text[end] === 'E') && (isDigit(text[end + 1]) || ((text[end + 1] === '+' || text[end + 1] === '-') && isDigit(text[end + 2])))) {
    end += 2;
    while (isDigit(text[end])) end += 1;
  }
  if (isNameStart(text[end])) fail(end, 'a number cannot run into a name: write an operator between them (implicit multiplication is not allowed)');
  if (text[end] === '.') fail(end, 'malformed number');
  return end;
}

/** Double-quoted, with the escapes mathjs and JSON share; no raw line breaks. */
function scanString(text: string, start: number, fail: (offset: number, reason: string) => never): [number, string] {
  let value = '';
  let i = start + 1;
  for (;;) {
    const c = text[i];
    if (c === undefined || c === '\n' || c === '\r') return fail(start, 'unterminated string');
    if (c === '"') return [i + 1, value];
    if (c === '\\') {
      const escape = text[i + 1] ?? '';
      const simple = escapes[escape];
      if (simple !== undefined) {
        value += simple;
        i += 2;
      } else if (escape === 'u' && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) {
        value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        return fail(i, `bad escape \\${escape}`);
      }
    } else if (c < ' ') {
      return fail(i, 'control characters must be escaped in strings');
    } else {
      value += c;
      i += 1;
    }
  }
}
