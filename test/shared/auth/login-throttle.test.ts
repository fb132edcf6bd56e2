import { describe, expect, it } from 'vitest';
import { LOGIN_THROTTLE, throttleDelayMs } from '../../../shared/auth/login-throttle.js';
import { createHarness, type Harness } from '../../support/harness.js';

const login = async (h: Harness, email: string, password: string): Promise<Response> => h.request('/auth/login', { method: 'POST', headers: { Authorization: h.basic(email, password) } });

/** Status, Retry-After and error message: everything but the request id. */
async function answer(res: Response) {
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  return { status: res.status, retryAfter: res.headers.get('Retry-After'), error: body.error };
}

describe('login throttle', () => {
  it('waits 1 s after the 5th failure, doubling to a 15 minute cap', () => {
    expect([0, 1, 4].map((n) => throttleDelayMs(n))).toEqual([0, 0, 0]);
    expect([5, 6, 7, 8, 14].map((n) => throttleDelayMs(n))).toEqual([1000, 2000, 4000, 8000, 512_000]);
    expect(throttleDelayMs(15)).toBe(LOGIN_THROTTLE.maxDelayMs);
    expect(throttleDelayMs(10_000)).toBe(15 * 60 * 1000);
  });

  it('follows the timeline on the test clock: 5 free failures, growing 429s with Retry-After, capped', async () => {
    const h = await createHarness();
    const u = await h.user();
    for (let i = 0; i < 5; i++) expect((await login(h, u.email, 'wrong password!')).status).toBe(401);

    // The 6th attempt comes too early, whatever the password.
    const early = await answer(await login(h, u.email, u.password));
    expect(early).toEqual({ status: 429, retryAfter: '1', error: 'too many login attempts for this account: try again in 1 s' });

    const waits: number[] = [];
    for (let failure = 6; failure <= 17; failure++) {
      h.clock.advance(throttleDelayMs(failure - 1));
      expect((await login(h, u.email, 'wrong password!')).status).toBe(401);
      const blocked = await answer(await login(h, u.email, 'wrong password!'));
      expect(blocked.status).toBe(429);
      waits.push(Number(blocked.retryAfter));
    }
    expect(waits).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]);

    // One millisecond short of the cap is still too early; at the cap the right password gets in.
    h.clock.advance(LOGIN_THROTTLE.maxDelayMs - 1);
    expect(await answer(await login(h, u.email, u.password))).toMatchObject({ status: 429, retryAfter: '1' });
    h.clock.advance(1);
    expect((await login(h, u.email, u.password)).status).toBe(200);
  });

  it('resets the count after a successful login', async () => {
    const h = await createHarness();
    const u = await h.user();
    for (let i = 0; i < 4; i++) expect((await login(h, u.email, 'wrong password!')).status).toBe(401);
    expect((await login(h, u.email, u.password)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await login(h, u.email, 'wrong password!')).status).toBe(401);
    expect((await login(h, u.email, 'wrong password!')).status).toBe(429);
  });

  it('forgets failures 24 hours after the last one', async () => {
    const h = await createHarness();
    const u = await h.user();
    for (let i = 0; i < 15; i++) {
      await login(h, u.email, 'wrong password!');
      h.clock.advance(LOGIN_THROTTLE.maxDelayMs);
    }
    h.clock.advance(LOGIN_THROTTLE.forgetAfterMs - LOGIN_THROTTLE.maxDelayMs);
    for (let i = 0; i < 5; i++) expect((await login(h, u.email, 'wrong password!')).status).toBe(401);
    expect((await login(h, u.email, 'wrong password!')).status).toBe(429);
  });

  it('throttles an unknown email exactly like a known one, so a 429 does not reveal an account', async () => {
    const h = await createHarness();
    const u = await h.user('known@example.com');
    const known: unknown[] = [];
    const unknown: unknown[] = [];
    for (let i = 0; i < 8; i++) {
      known.push(await answer(await login(h, u.email, 'wrong password!')));
      unknown.push(await answer(await login(h, 'unknown@example.com', 'wrong password!')));
      if (i === 6) h.clock.advance(1000);
    }
    expect(unknown).toEqual(known);
    expect(known.map((a) => (a as { status: number }).status)).toEqual([401, 401, 401, 401, 401, 429, 429, 401]);
  });

  it('counts the email case-insensitively', async () => {
    const h = await createHarness();
    const u = await h.user('Case@Example.com');
    for (const e of ['case@example.com', 'CASE@EXAMPLE.COM', 'Case@Example.com', 'cAse@example.com', 'case@Example.COM']) {
      expect((await login(h, e, 'wrong password!')).status).toBe(401);
    }
    expect((await login(h, u.email, u.password)).status).toBe(429);
  });

  it('lets a burst of parallel guesses try no more passwords than the schedule allows', async () => {
    const h = await createHarness();
    const u = await h.user();
    const statuses = await Promise.all(Array.from({ length: 20 }, () => login(h, u.email, 'wrong password!').then((r) => r.status)));
    // Losers of a race for the count get 429 rather than a free check.
    const checked = statuses.filter((s) => s === 401).length;
    expect(checked).toBeGreaterThanOrEqual(1);
    expect(checked).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s !== 401).every((s) => s === 429)).toBe(true);
    // Every checked guess is on record, and the schedule goes on from there.
    expect((await h.store.getLoginFailures(u.email))?.failures).toBe(checked);
    for (let i = checked; i < 5; i++) expect((await login(h, u.email, 'wrong password!')).status).toBe(401);
    expect((await login(h, u.email, u.password)).status).toBe(429);
  });

  it('counts a disabled user\'s right password as a failure, with the same answer', async () => {
    const h = await createHarness();
    const u = await h.user();
    await h.store.updateUser(u.id, { status: 'disabled' }, h.clock.now());
    const wrong = await answer(await login(h, u.email, 'wrong password!'));
    const right = await answer(await login(h, u.email, u.password));
    expect(right).toEqual(wrong);
    expect((await h.store.getLoginFailures(u.email))?.failures).toBe(2);
  });
});
