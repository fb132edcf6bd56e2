/**
 * Time wording for the PAT page. Pure functions of their inputs (no DOM, no
 * clock), so they are unit-tested in Node and bundled for the browser.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'always' });

/**
 * `at` relative to `now` in words: "in 30 days", "3 minutes ago", "just now".
 * Days up to two months, so a 7-, 30- or 90-day token reads the way it was
 * chosen; months then years beyond that.
 */
export function relativeTime(at: number, now: number): string {
  const diff = at - now;
  const abs = Math.abs(diff);
  if (abs < 45 * SECOND) return diff < 0 ? 'just now' : 'in a few seconds';
  if (abs < 45 * MINUTE) return relative.format(Math.round(diff / MINUTE), 'minute');
  if (abs < 22 * HOUR) return relative.format(Math.round(diff / HOUR), 'hour');
  if (abs < 60 * DAY) return relative.format(Math.round(diff / DAY), 'day');
  if (abs < 330 * DAY) return relative.format(Math.round(diff / (30.44 * DAY)), 'month');
  return relative.format(Math.round(diff / (365.25 * DAY)) || Math.sign(diff), 'year');
}

/** The exact time, in the reader's locale and time zone, for hover titles. */
export function exactTime(at: number, locale?: string, timeZone?: string): string {
  return new Date(at).toLocaleString(locale, { dateStyle: 'full', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) });
}

/** A calendar date such as "Tue, Dec 11, 2026", for the expiry choices. */
export function shortDate(at: number, locale?: string, timeZone?: string): string {
  return new Date(at).toLocaleDateString(locale, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', ...(timeZone ? { timeZone } : {}) });
}

/** One expiry a new token may get. */
export interface ExpiryChoice {
  readonly days: number;
  readonly label: string;
}

/** The expiry choices the page offers; 30 days is the default. */
export const EXPIRY_CHOICES: readonly ExpiryChoice[] = Object.freeze([
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '1 year' },
]);

/** The default expiry, in days. */
export const DEFAULT_EXPIRY_DAYS = 30;

/** `expires_in` (seconds) for a number of days. */
export const daysToSeconds = (days: number): number => days * 86_400;

/** When a token created at `now` with this many days would expire. */
export const expiryAt = (now: number, days: number): number => now + days * DAY;
