/**
 * Money is an integer count of minor units (cents) with its currency. Amounts that cross
 * the wire as decimal strings ("19.99") are converted here, exactly, never through a float.
 */
export type Currency = string;

const decimalPattern = /^(-)?(\d{1,13})(?:\.(\d{1,2}))?$/;

export function parseMoney(text: string): number {
  const match = decimalPattern.exec(text.trim());
  if (!match) throw new RangeError(`"${text}" is not an amount like 19.99`);
  const [, sign, whole, fraction = ''] = match;
  const minor = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return sign ? -minor : minor;
}
