import type { DriverTypeParser } from 'slonik';

/**
 * How column values arrive in JavaScript. Money is int8 minor units: a number while it
 * is a safe integer, never a float and never silently rounded. numeric stays a decimal
 * string (targets, measured values); timestamps become Dates; dates stay 'YYYY-MM-DD'.
 */
const int8: DriverTypeParser<number> = {
  name: 'int8',
  parse(value) {
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed)) throw new RangeError(`int8 value ${value} is outside the safe integer range`);
    return parsed;
  },
};

const timestamptz: DriverTypeParser<Date> = { name: 'timestamptz', parse: (value) => new Date(value) };
const timestamp: DriverTypeParser<Date> = { name: 'timestamp', parse: (value) => new Date(`${value}Z`) };
const numeric: DriverTypeParser<string> = { name: 'numeric', parse: (value) => value };
const date: DriverTypeParser<string> = { name: 'date', parse: (value) => value };

export const typeParsers: readonly DriverTypeParser[] = [int8, timestamptz, timestamp, numeric, date];
