/** Money is integer minor units on the wire; shown with the currency's symbol and no float drift. */
export function money(minor: number, currency = 'USD'): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 0 }).format(minor / 100);
}

export const percent = (fraction: number, digits = 1): string => `${(fraction * 100).toFixed(digits)} %`;

export const count = (value: number): string => new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(value);

export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (Math.abs(seconds) < 60) return seconds >= 0 ? `${seconds} s ago` : `in ${-seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (Math.abs(minutes) < 60) return minutes >= 0 ? `${minutes} min ago` : `in ${-minutes} min`;
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 48) return hours >= 0 ? `${hours} h ago` : `in ${-hours} h`;
  const days = Math.round(hours / 24);
  return days >= 0 ? `${days} d ago` : `in ${-days} d`;
}

export const time = (iso: string): string => new Date(iso).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' });

export const json = (value: unknown): string => JSON.stringify(value, null, 2);
