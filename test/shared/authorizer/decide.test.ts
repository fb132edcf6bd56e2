import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDecider, type Decider } from '../../../shared/authorizer/decide.js';
import { isAppError } from '../../../shared/errors.js';
import { createDynamoClient } from '../../../shared/store/dynamo-store.js';
import { createHarness, dynamoEndpoint, type Harness } from '../../support/harness.js';
import { countRequests, type RequestCounter } from '../../support/request-counter.js';

describe('decider', () => {
  let h: Harness;
  let requests: RequestCounter;
  let decider: Decider;

  beforeAll(async () => {
    const client = createDynamoClient({ tableName: 'unused', endpoint: dynamoEndpoint() });
    requests = countRequests(client);
    h = await createHarness({ client });
    decider = createDecider({ authenticator: h.runtime.authenticator, routeRoles: { '* /admin/*': ['admin'] }, decisionCacheSeconds: 5, clock: h.clock });
  });

  const newPat = async (roles: string[] = [], expiresIn = 3600) => {
    const u = await h.user(undefined, roles);
    const pat = await h.pat(await h.login(u.email, u.password), 'p', expiresIn);
    await h.runtime.authenticator.authenticate(pat); // last_used is fresh from here on
    return { u, pat };
  };

  it('returns the identity and the routes the user may not call', async () => {
    const { u, pat } = await newPat(['ops']);
    const d = await decider.decide(pat);
    expect(d.identity).toEqual({ userId: u.id, email: u.email, roles: ['ops'], tokenId: decodeJwt(pat).jti, tokenKind: 'pat', expiresAt: decodeJwt(pat).exp! * 1000 });
    expect(d.denied.map((r) => r.pattern)).toEqual(['* /admin/*']);
    expect(d.allows('GET', '/admin/x')).toBe(false);
    expect(d.allows('GET', '/x')).toBe(true);
  });

  it('answers from its cache with no store request until the TTL passes', async () => {
    const { pat } = await newPat();
    requests.reset();
    await decider.decide(pat);
    expect(requests.byCommand).toEqual({ BatchGetItemCommand: 1 });
    requests.reset();
    for (let i = 0; i < 5; i++) await decider.decide(pat);
    expect(requests.total).toBe(0);
    h.clock.advance(5_000);
    await decider.decide(pat);
    expect(requests.byCommand).toEqual({ BatchGetItemCommand: 1 });
  });

  it('sees a revocation once the cache entry ends: the documented bound', async () => {
    const { u, pat } = await newPat();
    await decider.decide(pat);
    await h.store.deleteToken(u.id, decodeJwt(pat).jti!);
    // Within the cache TTL the earlier decision still stands…
    await expect(decider.decide(pat)).resolves.toBeTruthy();
    h.clock.advance(5_000);
    // …and after it the token is refused.
    const err = await decider.decide(pat).then(() => undefined, (e: unknown) => e);
    expect(isAppError(err, 'unauthorized')).toBe(true);
  });

  it('does not cache a refusal', async () => {
    requests.reset();
    for (let i = 0; i < 3; i++) await decider.decide('not-a-token').catch(() => undefined);
    expect(requests.total).toBe(0);
    const { u, pat } = await newPat();
    await h.store.deleteToken(u.id, decodeJwt(pat).jti!);
    requests.reset();
    for (let i = 0; i < 3; i++) await decider.decide(pat).catch(() => undefined);
    expect(requests.byCommand).toEqual({ BatchGetItemCommand: 3 });
  });

  it('asks the store every time when the cache is off', async () => {
    const uncached = createDecider({ authenticator: h.runtime.authenticator, routeRoles: {}, decisionCacheSeconds: 0, clock: h.clock });
    const { pat } = await newPat();
    requests.reset();
    for (let i = 0; i < 3; i++) await uncached.decide(pat);
    expect(requests.byCommand).toEqual({ BatchGetItemCommand: 3 });
  });
});
