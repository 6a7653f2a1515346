/**
 * How the evaluator reads text. Words are whitespace-separated tokens holding a letter or
 * a digit ("—" and "&" are not words); sentences end at . ! ? or a line break, so a
 * script's bullet lines count as sentences of their own.
 */
export function wordsOf(text: string): string[] {
  return text.split(/\s+/).filter((token) => /[\p{L}\p{N}]/u.test(token));
}

export function sentenceCount(text: string): number {
  return text.split(/[.!?]+(?=\s|$)|\n+/).filter((part) => wordsOf(part).length > 0).length;
}

/**
 * Lower case, accents dropped, every run of punctuation and space made one space, padded
 * with a space at each end: "12-Month Warranty" and "12 month warranty" read the same,
 * and a phrase found in it is whole words, never part of one.
 */
export function matchable(text: string): string {
  const plain = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return ` ${plain} `;
}

/** Whether `phrase` appears in `text` as whole words, ignoring case, accents and punctuation. */
export function containsPhrase(text: string, phrase: string): boolean {
  const wanted = matchable(phrase);
  return wanted.trim() !== '' && matchable(text).includes(wanted);
}
