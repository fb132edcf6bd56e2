import { describe, expect, it } from 'vitest';
import { createDecisionCache } from '../../../shared/authorizer/decision-cache.js';
import { testClock } from '../../support/harness.js';

describe('decision cache', () => {
  it('keeps an entry for its TTL and drops it after', () => {
    const clock = testClock(1_000_000);
    const cache = createDecisionCache<string>({ ttlSeconds: 5, clock });
    cache.set('t', 'yes');
    clock.advance(4_999);
    expect(cache.get('t')).toBe('yes');
    clock.advance(1);
    expect(cache.get('t')).toBeUndefined();
  });

  it('never keeps an entry past the token’s own expiry', () => {
    const clock = testClock(1_000_000);
    const cache = createDecisionCache<string>({ ttlSeconds: 5, clock });
    cache.set('t', 'yes', 1_002_000);
    clock.advance(1_999);
    expect(cache.get('t')).toBe('yes');
    clock.advance(1);
    expect(cache.get('t')).toBeUndefined();
  });

  it('holds nothing when the TTL is 0', () => {
    const cache = createDecisionCache<string>({ ttlSeconds: 0, clock: testClock() });
    cache.set('t', 'yes');
    expect(cache.get('t')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops the oldest entries beyond its size limit', () => {
    const cache = createDecisionCache<number>({ ttlSeconds: 5, clock: testClock(), maxEntries: 3 });
    for (let i = 0; i < 5; i++) cache.set(`t${i}`, i);
    expect(cache.size).toBe(3);
    expect(cache.get('t0')).toBeUndefined();
    expect(cache.get('t1')).toBeUndefined();
    expect(cache.get('t4')).toBe(4);
  });

  it('matches only the exact token string', () => {
    const cache = createDecisionCache<string>({ ttlSeconds: 5, clock: testClock() });
    cache.set('abc.def.ghi', 'yes');
    expect(cache.get('abc.def.gh')).toBeUndefined();
    expect(cache.get('ABC.def.ghi')).toBeUndefined();
  });
});
