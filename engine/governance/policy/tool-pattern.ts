import type { ToolPattern } from './policy-ast.js';

/** Tools are `domain.verb`; a pattern names every tool, one domain, or one tool. */
export function toolPatternMatches(pattern: ToolPattern, tool: string): boolean {
  if (pattern.domain === null) return true;
  if (pattern.verb === null) return tool.length > pattern.domain.length && tool.startsWith(pattern.domain) && tool[pattern.domain.length] === '.';
  return tool === pattern.text;
}
