import type { SourcePosition } from './policy-ast.js';

/** Maps offsets in a policy text to 1-based lines and columns (columns in code points). */
export type SourceText = Readonly<{
  text: string;
  positionAt(offset: number): SourcePosition;
}>;

export function sourceText(text: string): SourceText {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (char === 10) lineStarts.push(i + 1);
    else if (char === 13) {
      if (text.charCodeAt(i + 1) === 10) i += 1;
      lineStarts.push(i + 1);
    }
  }
  return {
    text,
    positionAt(offset) {
      const clamped = Math.max(0, Math.min(offset, text.length));
      let low = 0;
      let high = lineStarts.length - 1;
      while (low < high) {
        const mid = (low + high + 1) >> 1;
        if ((lineStarts[mid] ?? 0) <= clamped) low = mid;
        else high = mid - 1;
      }
      const start = lineStarts[low] ?? 0;
      // Code points, not UTF-16 units, so a column matches what an editor shows.
      return { line: low + 1, column: [...text.slice(start, clamped)].length + 1 };
    },
  };
}
