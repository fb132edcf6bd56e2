import { describe, expect, it } from 'vitest';
import { createAuthorizerHandler, type IamAuthorizerResponse, type SimpleAuthorizerResponse } from '../../../functions/authorizer/create-handler.js';
import { parseRouteRoles } from '../../../shared/config.js';
import { evaluatePolicy } from '../../../functions/local/policy-evaluation.js';
import { arnFor, httpV2Event, restTokenEvent } from '../../support/authorizer-events.js';
import { createHarness } from '../../support/harness.js';

const RULES = { 'GET /reports/*': ['auditor'] };
const NEW_PASSWORD = 'a brand new password';

/** The harness, an admin session, a user with two sessions and a PAT, and the real authorizer handler on the same store. */
async function world(cacheSeconds = 0) {
  const h = await createHarness();
  const admin = await h.user('root@example.com', ['admin']);
  const adminSession = await h.login(admin.email, admin.password);
  const user = await h.user('user@example.com', ['auditor']);
  const session = await h.login(user.email, user.password);
  const other = await h.login(user.email, user.password);
  const pat = await h.pat(session, 'ci');
  const handler = createAuthorizerHandler({
    authenticator: h.runtime.authenticator,
    config: { routeRoles: parseRouteRoles(JSON.stringify(RULES)), decisionCacheSeconds: cacheSeconds },
    clock: h.clock,
  });
  /** What the authorizer answers for a token on GET /reports/2026, as an HTTP API (2.0) would ask. */
  const decide = async (token: string): Promise<'allow' | 'deny' | 'refused'> => {
    const res = (await handler(httpV2Event({ Authorization: `Bearer ${token}` }))) as SimpleAuthorizerResponse;
    if (res.isAuthorized) return 'allow';
    // Tell a refused token from a role denial: ask for a route without rules.
    const open = (await handler(httpV2Event({ Authorization: `Bearer ${token}` }, { path: '/open' }))) as SimpleAuthorizerResponse;
    return open.isAuthorized ? 'deny' : 'refused';
  };
  /** The same through a REST TOKEN event: refused tokens make the handler fail with "Unauthorized". */
  const rest = async (token: string): Promise<'allow' | 'deny' | 'refused'> => {
    try {
      const res = (await handler(restTokenEvent(`Bearer ${token}`))) as IamAuthorizerResponse;
      return evaluatePolicy(res.policyDocument, arnFor());
    } catch (err) {
      expect((err as Error).message).toBe('Unauthorized');
      return 'refused';
    }
  };
  const put = (token: string, path: string, body: unknown) =>
    h.request(path, { method: 'PUT', headers: { ...h.bearer(token), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { h, admin, adminSession, user, session, other, pat, handler, decide, rest, put };
}

const all = (decide: (t: string) => Promise<string>, tokens: string[]) => Promise.all(tokens.map(decide));

describe('authorizer handler after user changes', () => {
  it('refuses every other token after a password change through PUT /users/me, keeping the token of the request', async () => {
    const w = await world();
    expect(await all(w.decide, [w.session, w.other, w.pat])).toEqual(['allow', 'allow', 'allow']);
    expect((await w.put(w.session, '/users/me', { password: NEW_PASSWORD, current_password: w.user.password })).status).toBe(204);
    expect(await all(w.decide, [w.session, w.other, w.pat])).toEqual(['allow', 'refused', 'refused']);
    expect(await all(w.rest, [w.session, w.other, w.pat])).toEqual(['allow', 'refused', 'refused']);
  });

  it('refuses all of the user\'s tokens after an admin changes their email, but not the admin\'s', async () => {
    const w = await world();
    expect((await w.put(w.adminSession, `/users/${w.user.id}`, { email: 'moved@example.com' })).status).toBe(204);
    expect(await all(w.decide, [w.session, w.other, w.pat])).toEqual(['refused', 'refused', 'refused']);
    expect(await all(w.rest, [w.session, w.pat])).toEqual(['refused', 'refused']);
    expect(await w.decide(w.adminSession)).toBe('deny');
  });

  it('keeps every token after a role change; the next uncached decision carries the new roles', async () => {
    const w = await world();
    expect((await w.put(w.adminSession, `/users/${w.user.id}`, { roles: ['ops'] })).status).toBe(204);
    expect(await all(w.decide, [w.session, w.other, w.pat])).toEqual(['deny', 'deny', 'deny']);
    expect(await w.rest(w.pat)).toBe('deny');
    const res = (await w.handler(httpV2Event({ Authorization: `Bearer ${w.pat}` }, { path: '/open' }))) as SimpleAuthorizerResponse;
    expect(res.context?.roles).toEqual(['ops']);
    expect((await w.put(w.adminSession, `/users/${w.user.id}`, { roles: ['auditor', 'ops'] })).status).toBe(204);
    expect(await all(w.decide, [w.session, w.pat])).toEqual(['allow', 'allow']);
  });

  it('with a decision cache, a role change shows once the cached decision expires', async () => {
    const w = await world(5);
    expect(await w.decide(w.pat)).toBe('allow');
    expect((await w.put(w.adminSession, `/users/${w.user.id}`, { roles: [] })).status).toBe(204);
    expect(await w.decide(w.pat)).toBe('allow');
    w.h.clock.advance(5_001);
    expect(await w.decide(w.pat)).toBe('deny');
  });

  it('refuses a disabled user\'s tokens and accepts them again once the user is enabled (revoked ones stay refused)', async () => {
    const w = await world();
    expect((await w.h.request('/auth/logout', { method: 'POST', headers: w.h.bearer(w.other) })).status).toBe(202);
    expect((await w.put(w.adminSession, `/users/${w.user.id}`, { status: 'disabled' })).status).toBe(204);
    expect(await all(w.decide, [w.session, w.other, w.pat])).toEqual(['refused', 'refused', 'refused']);
    expect(await all(w.rest, [w.session, w.pat])).toEqual(['refused', 'refused']);
    expect((await w.put(w.adminSession, `/users/${w.user.id}`, { status: 'active' })).status).toBe(204);
    expect(await all(w.decide, [w.session, w.other, w.pat])).toEqual(['allow', 'refused', 'allow']);
    expect(await all(w.rest, [w.session, w.pat])).toEqual(['allow', 'allow']);
  });

  it('refuses a deleted user\'s tokens, whose records are gone', async () => {
    const w = await world();
    expect((await w.h.request(`/users/${w.user.id}`, { method: 'DELETE', headers: w.h.bearer(w.adminSession) })).status).toBe(204);
    expect(await all(w.decide, [w.session, w.other, w.pat])).toEqual(['refused', 'refused', 'refused']);
    expect(await all(w.rest, [w.session, w.pat])).toEqual(['refused', 'refused']);
    expect(await w.h.store.listTokens(w.user.id)).toEqual([]);
  });
});

