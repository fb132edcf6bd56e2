import type { Clock } from '../clock.js';

/** Options for {@link createDecisionCache}. */
export interface DecisionCacheOptions {
  /** How long an entry lives, seconds; 0 turns the cache off. */
  ttlSeconds: number;
  clock: Clock;
  /** Most entries kept; the oldest go first (default 1000). */
  maxEntries?: number;
}

/** An in-memory cache of decisions, keyed by the exact token string. */
export interface DecisionCache<T> {
  /** The live entry for `key`, if any. */
  get(key: string): T | undefined;
  /**
   * Stores `value` until the TTL passes or `notAfterMs` (the token's own
   * expiry), whichever comes first.
   */
  set(key: string, value: T, notAfterMs?: number): void;
  /** Entries currently held (live or not yet swept). */
  readonly size: number;
}

/**
 * The authorizer's in-instance cache. It holds only positive decisions: a
 * refused token is checked again every time, so a flood of bad tokens cannot
 * push good ones out. Entries are keyed by the whole token, so a hit is a
 * token whose signature was already checked; the entry ends no later than
 * the token itself.
 */
export function createDecisionCache<T>(opts: DecisionCacheOptions): DecisionCache<T> {
  const ttlMs = opts.ttlSeconds * 1000;
  const max = opts.maxEntries ?? 1000;
  const entries = new Map<string, { value: T; until: number }>();
  return {
    get(key) {
      if (ttlMs === 0) return undefined;
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.until <= opts.clock.now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key, value, notAfterMs) {
      if (ttlMs === 0) return;
      const until = Math.min(opts.clock.now() + ttlMs, notAfterMs ?? Number.POSITIVE_INFINITY);
      entries.delete(key);
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      entries.set(key, { value, until });
    },
    get size() {
      return entries.size;
    },
  };
}
