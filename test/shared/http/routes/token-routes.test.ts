import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../../support/harness.js';

const TOKENS = '/settings/tokens';

async function create(h: Harness, session: string, body: unknown) {
  return h.request(TOKENS, {
    method: 'POST',
    headers: { ...h.bearer(session), 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function signedIn(h: Harness) {
  const u = await h.user();
  return { user: u, session: await h.login(u.email, u.password) };
}

const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;

describe('POST /settings/tokens', () => {
  it('answers 200 with the PAT as application/jwt, acting as its user', async () => {
    const h = await createHarness();
    const { user, session } = await signedIn(h);
    const res = await create(h, session, { name: 'ci', expires_in: 3600 });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/jwt');
    const pat = await res.text();
    const claims = decodeJwt(pat);
    expect(claims).toMatchObject({ sub: user.id, kind: 'pat', iss: 'patgate' });
    expect(claims.exp! - claims.iat!).toBe(3600);
    const me = await h.request('/users/me', { headers: h.bearer(pat) });
    expect(await me.json()).toMatchObject({ id: user.id, email: user.email });
  });

  it('validates the name: required, a string, 1 to 256 characters, no control characters', async () => {
    const h = await createHarness();
    const { session } = await signedIn(h);
    const cases: Array<[unknown, RegExp]> = [
      [{ expires_in: 60 }, /name: is required/],
      [{ name: 5, expires_in: 60 }, /name: must be a string/],
      [{ name: '', expires_in: 60 }, /name: must be 1 to 256 characters/],
      [{ name: 'x'.repeat(257), expires_in: 60 }, /name: must be 1 to 256 characters/],
      [{ name: 'a\nb', expires_in: 60 }, /name: must not contain control characters/],
      [{ name: 'a\u0000b', expires_in: 60 }, /name: must not contain control characters/],
    ];
    for (const [body, message] of cases) {
      const res = await create(h, session, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await errorOf(res)).toMatch(message);
    }
    expect((await create(h, session, { name: 'é'.repeat(256), expires_in: 60 })).status).toBe(200);
  });

  it('validates expires_in: whole seconds from 1 to the maximum, naming the range', async () => {
    const h = await createHarness();
    const { session } = await signedIn(h);
    for (const expires_in of [-1, 31_536_001, 1.5, '60', null]) {
      const res = await create(h, session, { name: `n${String(expires_in)}`, expires_in });
      expect(res.status, String(expires_in)).toBe(400);
      expect(await errorOf(res)).toMatch(/expires_in: must be/);
    }
    for (const body of [{ name: 'zero', expires_in: 0 }, { name: 'absent' }]) {
      const res = await create(h, session, body);
      expect(res.status).toBe(400);
      expect(await errorOf(res)).toMatch(/from 1 to 31536000; non-expiring tokens are not allowed/);
    }
    expect((await create(h, session, { name: 'max', expires_in: 31_536_000 })).status).toBe(200);
    expect((await create(h, session, { name: 'min', expires_in: 1 })).status).toBe(200);
  });

  it('honours a configured maximum lifetime', async () => {
    const h = await createHarness({ env: { PATGATE_PAT_MAX_TTL_SECONDS: '86400' } });
    const { session } = await signedIn(h);
    const res = await create(h, session, { name: 'long', expires_in: 86401 });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatch(/from 1 to 86400/);
  });

  it('creates a non-expiring PAT only when the deployment allows it', async () => {
    const h = await createHarness({ env: { PATGATE_ALLOW_NON_EXPIRING: 'true' } });
    const { session } = await signedIn(h);
    const res = await create(h, session, { name: 'forever', expires_in: 0 });
    expect(res.status).toBe(200);
    expect(decodeJwt(await res.text()).exp).toBeUndefined();
    const list = (await (await h.request(TOKENS, { headers: h.bearer(session) })).json()) as Array<Record<string, unknown>>;
    expect(list[0]).not.toHaveProperty('expiration_date');
  });

  it('refuses a malformed body, an unknown field and a body over 64 KiB', async () => {
    const h = await createHarness();
    const { session } = await signedIn(h);
    expect(await errorOf(await create(h, session, '{"name":'))).toMatch(/cannot parse request body as json/);
    const unknown = await create(h, session, { name: 'a', expires_in: 60, scope: 'all' });
    expect(unknown.status).toBe(400);
    expect(await errorOf(unknown)).toMatch(/scope: unknown field/);
    const huge = await create(h, session, { name: 'x'.repeat(70 * 1024), expires_in: 60 });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: expect.stringMatching(/64 KiB/), request_id: expect.any(String) });
  });

  it('refuses a duplicate name for the same user with 409, but not for another user', async () => {
    const h = await createHarness();
    const a = await signedIn(h);
    const b = await signedIn(h);
    expect((await create(h, a.session, { name: 'deploy', expires_in: 60 })).status).toBe(200);
    const dup = await create(h, a.session, { name: 'deploy', expires_in: 60 });
    expect(dup.status).toBe(409);
    expect(await errorOf(dup)).toMatch(/already exists/);
    expect((await create(h, b.session, { name: 'deploy', expires_in: 60 })).status).toBe(200);
  });

  it('frees a name when its PAT is revoked or has expired', async () => {
    const h = await createHarness();
    const { session } = await signedIn(h);
    await create(h, session, { name: 'short', expires_in: 60 });
    const revoked = decodeJwt(await (await create(h, session, { name: 'revoked', expires_in: 3600 })).text());
    await h.request(`${TOKENS}/${revoked.jti}`, { method: 'DELETE', headers: h.bearer(session) });
    expect((await create(h, session, { name: 'revoked', expires_in: 60 })).status).toBe(200);
    h.clock.advance(61_000);
    expect((await create(h, session, { name: 'short', expires_in: 60 })).status).toBe(200);
  });

  it('allows at most 10 PATs per user (422 after), not counting expired ones', async () => {
    const h = await createHarness();
    const { session } = await signedIn(h);
    for (let i = 0; i < 9; i++) expect((await create(h, session, { name: `t${i}`, expires_in: 3600 })).status).toBe(200);
    expect((await create(h, session, { name: 'short', expires_in: 10 })).status).toBe(200);
    const over = await create(h, session, { name: 'eleventh', expires_in: 3600 });
    expect(over.status).toBe(422);
    expect(await errorOf(over)).toMatch(/maximum number of personal access tokens reached \(10\)/);
    h.clock.advance(11_000);
    expect((await create(h, session, { name: 'eleventh', expires_in: 3600 })).status).toBe(200);
  });

  it('honours a configured limit', async () => {
    const h = await createHarness({ env: { PATGATE_MAX_PATS_PER_USER: '2' } });
    const { session } = await signedIn(h);
    expect((await create(h, session, { name: 'a', expires_in: 60 })).status).toBe(200);
    expect((await create(h, session, { name: 'b', expires_in: 60 })).status).toBe(200);
    expect((await create(h, session, { name: 'c', expires_in: 60 })).status).toBe(422);
  });

  it('holds the limit and name uniqueness under 50 concurrent creates', async () => {
    const h = await createHarness();
    const { session } = await signedIn(h);
    for (let i = 0; i < 3; i++) await create(h, session, { name: `pre${i}`, expires_in: 3600 });
    // 50 creates over 25 names: 7 free slots, each name at most once.
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => create(h, session, { name: `n${i % 25}`, expires_in: 3600 })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(7);
    expect(statuses.every((s) => s === 200 || s === 409 || s === 422)).toBe(true);
    const list = (await (await h.request(TOKENS, { headers: h.bearer(session) })).json()) as Array<{ name: string }>;
    expect(list).toHaveLength(10);
    expect(new Set(list.map((t) => t.name)).size).toBe(10);
  });

  it('refuses a request authenticated with a PAT (403), so a leaked PAT cannot mint successors', async () => {
    const h = await createHarness();
    const { session } = await signedIn(h);
    const pat = await h.pat(session, 'ci');
    const res = await create(h, pat, { name: 'child', expires_in: 60 });
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toMatch(/personal access token cannot create personal access tokens/);
  });

  it('requires a valid bearer token', async () => {
    const h = await createHarness();
    expect((await h.request(TOKENS, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await h.request(TOKENS)).status).toBe(401);
  });
});

describe('GET /settings/tokens', () => {
  it('lists live PATs oldest first with RFC 3339 times and never a token value', async () => {
    const h = await createHarness();
    const { session } = await signedIn(h);
    const first = await h.pat(session, 'first', 3600);
    h.clock.advance(2000);
    await h.pat(session, 'second', 7200);
    await h.pat(session, 'expiring', 5);
    h.clock.advance(6000);
    const res = await h.request(TOKENS, { headers: h.bearer(session) });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).not.toContain(first.split('.')[2]!);
    const list = JSON.parse(body) as Array<Record<string, string>>;
    expect(list.map((t) => t.name)).toEqual(['first', 'second']);
    for (const t of list) {
      expect(Object.keys(t).sort()).toEqual(['created_ts', 'expiration_date', 'id', 'name']);
      expect(t.created_ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Date.parse(t.expiration_date!)).toBeGreaterThan(Date.parse(t.created_ts!));
    }
    expect(list[0]!.id).toBe(decodeJwt(first).jti);
  });

  it('shows last_used after a PAT is used, written at most every 5 minutes', async () => {
    const h = await createHarness();
    const { session } = await signedIn(h);
    const pat = await h.pat(session, 'used');
    const lastUsed = async () => ((await (await h.request(TOKENS, { headers: h.bearer(session) })).json()) as Array<{ last_used?: string }>)[0]!.last_used;
    expect(await lastUsed()).toBeUndefined();
    await h.request('/users/me', { headers: h.bearer(pat) });
    const firstUse = await lastUsed();
    expect(firstUse).toBeDefined();
    h.clock.advance(60_000);
    await h.request('/users/me', { headers: h.bearer(pat) });
    expect(await lastUsed()).toBe(firstUse);
    h.clock.advance(5 * 60_000);
    await h.request('/users/me', { headers: h.bearer(pat) });
    expect(Date.parse((await lastUsed())!)).toBeGreaterThan(Date.parse(firstUse!));
  });

  it('lists only the caller’s own tokens and no sessions', async () => {
    const h = await createHarness();
    const a = await signedIn(h);
    const b = await signedIn(h);
    await h.pat(a.session, 'mine');
    await h.pat(b.session, 'theirs');
    const list = (await (await h.request(TOKENS, { headers: h.bearer(a.session) })).json()) as Array<{ name: string }>;
    expect(list.map((t) => t.name)).toEqual(['mine']);
  });
});

describe('DELETE /settings/tokens/{id}', () => {
  it('revokes the PAT at once and answers 204, also for an unknown id', async () => {
    const h = await createHarness();
    const { session } = await signedIn(h);
    const pat = await h.pat(session, 'gone');
    const id = decodeJwt(pat).jti!;
    expect((await h.request(`${TOKENS}/${id}`, { method: 'DELETE', headers: h.bearer(session) })).status).toBe(204);
    expect((await h.request('/users/me', { headers: h.bearer(pat) })).status).toBe(401);
    expect((await h.request(`${TOKENS}/${id}`, { method: 'DELETE', headers: h.bearer(session) })).status).toBe(204);
    expect((await h.request(`${TOKENS}/does-not-exist`, { method: 'DELETE', headers: h.bearer(session) })).status).toBe(204);
  });

  it('never touches another user’s token', async () => {
    const h = await createHarness();
    const a = await signedIn(h);
    const b = await signedIn(h);
    const theirs = await h.pat(b.session, 'theirs');
    const res = await h.request(`${TOKENS}/${decodeJwt(theirs).jti}`, { method: 'DELETE', headers: h.bearer(a.session) });
    expect(res.status).toBe(204);
    expect((await h.request('/users/me', { headers: h.bearer(theirs) })).status).toBe(200);
  });
});
