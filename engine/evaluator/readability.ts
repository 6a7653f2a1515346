import { sentenceCount, wordsOf } from './text.js';

/**
 * Flesch reading ease (Flesch 1948):
 *   206.835 − 1.015 × (words ÷ sentences) − 84.6 × (syllables ÷ words)
 * Higher is easier: 90–100 very easy, 80–90 easy, 70–80 fairly easy, 60–70 plain English,
 * 50–60 fairly difficult, 30–50 difficult, below 30 very difficult. Syllables come from a
 * heuristic (vowel groups, less a silent final e, -es or -ed), which is within one syllable of a
 * dictionary for most English words and deterministic for all of them.
 */
export type Readability = Readonly<{ fleschReadingEase: number; words: number; sentences: number; syllables: number }>;

export function readabilityOf(text: string): Readability {
  const words = wordsOf(text);
  const sentences = Math.max(1, sentenceCount(text));
  const syllables = words.reduce((sum, word) => sum + syllablesInWord(word), 0);
  const fleschReadingEase = words.length === 0 ? 0 : 206.835 - 1.015 * (words.length / sentences) - 84.6 * (syllables / words.length);
  return { fleschReadingEase, words: words.length, sentences, syllables };
}

export function fleschBand(score: number): string {
  if (score >= 90) return 'very easy';
  if (score >= 80) return 'easy';
  if (score >= 70) return 'fairly easy';
  if (score >= 60) return 'plain English';
  if (score >= 50) return 'fairly difficult';
  if (score >= 30) return 'difficult';
  return 'very difficult';
}

/** A hyphenated word counts the syllables of its parts; a number one per digit, at most three ("12" reads "twelve"). */
export function syllablesInWord(word: string): number {
  const parts = word.split(/[-–—/]+/).filter((part) => /[\p{L}\p{N}]/u.test(part));
  return Math.max(1, parts.reduce((sum, part) => sum + syllablesInPart(part), 0));
}

function syllablesInPart(part: string): number {
  const letters = part
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  if (letters === '') return Math.min(3, Math.max(1, part.replace(/\D/g, '').length));
  if (letters.length <= 3) return 1;
  const trimmed = letters
    // A final e is mostly silent (make, shade), but not in -le after a consonant (bottle).
    .replace(/(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$/, (ending) => ending.slice(0, 1))
    .replace(/^y/, '');
  const groups = trimmed.match(/[aeiouy]{1,2}/g);
  return Math.max(1, groups?.length ?? 0);
}
