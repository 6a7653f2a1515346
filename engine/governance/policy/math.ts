import { all, create } from 'mathjs';

/**
 * The one mathjs instance the policy language uses: to parse conditions and for the three
 * rounding kernels we borrow (numeric.ts). Numbers are plain JS numbers; `predictable`
 * keeps results real (sqrt(-1) is NaN, not a complex number). Nothing here ever
 * evaluates policy text: compiled conditions are plain closures.
 */
// mathjs' typings declare `all` optional; it is always there at run time.
if (all === undefined) throw new Error('mathjs did not export its factories');
export const math = create(all, { number: 'number', predictable: true, relTol: 1e-12, absTol: 1e-15 });

/** mathjs compares numbers within these tolerances; compiled conditions do the same. */
export const relTol = 1e-12;
export const absTol = 1e-15;
