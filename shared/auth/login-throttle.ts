import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';

/** How password guessing is slowed down; {@link LOGIN_THROTTLE} holds the values in use. */
export interface ThrottlePolicy {
  /** Consecutive failures allowed without any wait. */
  readonly freeFailures: number;
  /** The wait after the `freeFailures`-th failure; it doubles with each further failure. */
  readonly baseDelayMs: number;
  /** The longest wait, whatever the count: an attacker cannot push it further. */
  readonly maxDelayMs: number;
  /** Failures are forgotten this long after the last one. */
  readonly forgetAfterMs: number;
}

/**
 * After 5 consecutive failures: 1 s, then 2 s, 4 s, … doubling, capped at
 * 15 minutes (reached at the 15th failure). A success resets the count;
 * 24 hours without a failure forget it.
 */
export const LOGIN_THROTTLE: ThrottlePolicy = Object.freeze({
  freeFailures: 5,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60 * 1000,
  forgetAfterMs: 24 * 60 * 60 * 1000,
});

/** The wait before the next attempt once `failures` consecutive failures are on record. */
export function throttleDelayMs(failures: number, policy: ThrottlePolicy = LOGIN_THROTTLE): number {
  if (failures < policy.freeFailures) return 0;
  // Cap the exponent first so a huge count cannot overflow to Infinity.
  return Math.min(policy.baseDelayMs * 2 ** Math.min(failures - policy.freeFailures, 40), policy.maxDelayMs);
}

/** What the throttle needs. */
export interface LoginThrottleDeps {
  store: Store;
  clock: Clock;
  policy?: ThrottlePolicy;
}

const tooMany = (waitMs: number) => {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new AppError('too_many_requests', `too many login attempts for this account: try again in ${seconds} s`, { retryAfterSeconds: seconds });
};

/** How often an attempt that lost a race for the record looks again before giving up with a 429. */
const MAX_RACES = 3;

/**
 * Counts failed password checks per email address (known or not, so the
 * answer never tells whether an account exists) and refuses attempts that
 * come too soon with `too_many_requests` and a retry-after.
 *
 * Each attempt is counted as a failure *before* the password is checked,
 * with a write conditional on the count it read: of many concurrent guesses
 * only one gets each count, so a burst of parallel requests cannot try more
 * passwords than the schedule allows. A success then clears the record.
 */
export function createLoginThrottle(deps: LoginThrottleDeps) {
  const { store, clock } = deps;
  const policy = deps.policy ?? LOGIN_THROTTLE;
  return Object.freeze({
    /**
     * Runs `check` (which proves the password) if the email may try now.
     * `check` resolves a value on success and undefined on failure; the
     * value is passed through. Throws `too_many_requests` when too early.
     */
    async attempt<T>(email: string, check: () => Promise<T | undefined>): Promise<T | undefined> {
      for (let race = 0; race < MAX_RACES; race++) {
        const now = clock.now();
        const seen = await store.getLoginFailures(email);
        const live = seen && seen.expiresAt > now ? seen : undefined;
        const failures = live?.failures ?? 0;
        const waitMs = live ? live.lastFailureAt + throttleDelayMs(failures, policy) - now : 0;
        if (waitMs > 0) throw tooMany(waitMs);
        const charged = await store.putLoginFailures(email, seen, { failures: failures + 1, lastFailureAt: now, expiresAt: now + policy.forgetAfterMs });
        if (!charged) continue; // a concurrent attempt took this count: look again
        const result = await check();
        if (result !== undefined) await store.clearLoginFailures(email);
        return result;
      }
      throw tooMany(policy.baseDelayMs);
    },
  });
}

/** The throttle returned by {@link createLoginThrottle}. */
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
