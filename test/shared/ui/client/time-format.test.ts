import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPIRY_DAYS, EXPIRY_CHOICES, daysToSeconds, exactTime, expiryAt, relativeTime, shortDate } from '../../../../shared/ui/client/time-format.js';

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const DAY = 86_400_000;

describe('relativeTime', () => {
  it('reads each expiry choice the way it was chosen', () => {
    expect(EXPIRY_CHOICES.map((c) => relativeTime(expiryAt(NOW, c.days) - 5_000, NOW))).toEqual(['in 7 days', 'in 30 days', 'in 3 months', 'in 1 year']);
  });

  it('says "just now" for the last few seconds and counts minutes and hours after that', () => {
    expect(relativeTime(NOW - 10_000, NOW)).toBe('just now');
    expect(relativeTime(NOW + 10_000, NOW)).toBe('in a few seconds');
    expect(relativeTime(NOW - 3 * 60_000, NOW)).toBe('3 minutes ago');
    expect(relativeTime(NOW - 5 * 3_600_000, NOW)).toBe('5 hours ago');
    expect(relativeTime(NOW - 2 * DAY, NOW)).toBe('2 days ago');
    expect(relativeTime(NOW - 400 * DAY, NOW)).toBe('1 year ago');
  });
});

describe('exact dates', () => {
  it('gives the full date and time for hover titles, in the given zone', () => {
    expect(exactTime(NOW, 'en-US', 'UTC')).toBe('Friday, December 4, 2026 at 12:00 PM');
    expect(shortDate(expiryAt(NOW, 7), 'en-US', 'UTC')).toBe('Fri, Dec 11, 2026');
  });
});

describe('expiry choices', () => {
  it('offers 7, 30 and 90 days and a year, 30 days by default, in whole seconds', () => {
    expect(EXPIRY_CHOICES.map((c) => c.days)).toEqual([7, 30, 90, 365]);
    expect(DEFAULT_EXPIRY_DAYS).toBe(30);
    // A year is exactly the default longest PAT lifetime (PATGATE_PAT_MAX_TTL_SECONDS).
    expect(daysToSeconds(365)).toBe(31_536_000);
  });
});
