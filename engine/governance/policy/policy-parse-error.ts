/**
 * A policy text that does not parse or does not pass the sandbox check. It always names the
 * line and column (1-based; columns count Unicode code points) of the offending text, so an
 * author can find it without reading the parser.
 */
export class PolicyParseError extends Error {
  readonly code = 'POLICY_INVALID';
  readonly line: number;
  readonly column: number;
  /** The message without the position prefix. */
  readonly reason: string;

  constructor(position: Readonly<{ line: number; column: number }>, reason: string, options?: { cause?: unknown }) {
    super(`line ${position.line}, column ${position.column}: ${reason}`, options);
    this.name = 'PolicyParseError';
    this.line = position.line;
    this.column = position.column;
    this.reason = reason;
  }
}
