/**
 * The world's calendar: days are UTC dates (YYYY-MM-DD). Pure date arithmetic, no clock.
 */
const dayMs = 86_400_000;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

export function isWorldDate(text: string): boolean {
  if (!datePattern.test(text)) return false;
  const parsed = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed) && new Date(parsed).toISOString().startsWith(text);
}

export function dateStartMs(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

export function addDays(date: string, days: number): string {
  return new Date(dateStartMs(date) + days * dayMs).toISOString().slice(0, 10);
}

/** 0 is Sunday, 6 Saturday. */
export function dayOfWeek(date: string): number {
  return new Date(dateStartMs(date)).getUTCDay();
}

/** The instant `secondOfDay` seconds after the date's midnight UTC, as ISO 8601. */
export function instantOn(date: string, secondOfDay: number): string {
  return new Date(dateStartMs(date) + Math.floor(secondOfDay) * 1000).toISOString();
}

/** The UTC date of an epoch millisecond. */
export function dateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
