/**
 * Ratios for policy facts. Integer minor units are subtracted first and divided once, so a
 * price exactly on a floor gives exactly the floor's literal (300 / 2000 === 0.15, whereas
 * 1 - 1700 / 2000 is 0.15000000000000002 and would trip `< 0.15`).
 */

/** Gross margin as a fraction of the price: 0.15 is 15 %. Negative when cost exceeds price. */
export function marginFraction(priceMinor: number, unitCostMinor: number): number {
  return (priceMinor - unitCostMinor) / priceMinor;
}

/** Relative change as a fraction: 0.1 is +10 %. Undefined from zero, where no ratio exists. */
export function changeFraction(fromMinor: number, toMinor: number): number | undefined {
  return fromMinor === 0 ? undefined : (toMinor - fromMinor) / fromMinor;
}
