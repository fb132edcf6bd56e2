import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../../shared/logger.js';
import { createHarness, type Harness } from '../../../support/harness.js';

const NEW_PASSWORD = 'a brand new password';

async function json(h: Harness, token: string, method: string, path: string, body?: unknown) {
  return h.request(path, {
    method,
    headers: { ...h.bearer(token), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;

/** An admin with a session, and a plain user with a session and a PAT. */
async function world(h: Harness) {
  const admin = await h.user('root@example.com', ['admin']);
  const adminSession = await h.login(admin.email, admin.password);
  const user = await h.user('user@example.com', ['ops']);
  const session = await h.login(user.email, user.password);
  const pat = await h.pat(session, 'ci');
  return { admin, adminSession, user, session, pat };
}

const status = async (h: Harness, token: string) => (await h.request('/users/me', { headers: h.bearer(token) })).status;

describe('user administration routes', () => {
  it('answers 401 without a token and 403 for a user without the admin role, on every admin endpoint', async () => {
    const h = await createHarness();
    const { user, session, pat } = await world(h);
    const endpoints: Array<[string, string, unknown?]> = [
      ['POST', '/users', { email: 'x@example.com', password: NEW_PASSWORD }],
      ['GET', '/users'],
      ['GET', `/users/${user.id}`],
      ['PUT', `/users/${user.id}`, { roles: ['admin'] }],
      ['DELETE', `/users/${user.id}`],
    ];
    for (const [method, path, body] of endpoints) {
      expect((await h.request(path, { method })).status).toBe(401);
      for (const token of [session, pat]) {
        const res = await json(h, token, method, path, body);
        expect(res.status).toBe(403);
        expect(await errorOf(res)).toBe('forbidden: user administration needs the admin role');
      }
    }
    expect((await h.store.getUser(user.id))?.roles).toEqual(['ops']);
  });

  it('keeps GET /users/me for everyone: "me" is never taken for a user id', async () => {
    const h = await createHarness();
    const { adminSession, session, user, admin } = await world(h);
    expect(await (await h.request('/users/me', { headers: h.bearer(session) })).json()).toMatchObject({ id: user.id });
    expect(await (await h.request('/users/me', { headers: h.bearer(adminSession) })).json()).toMatchObject({ id: admin.id });
    // An admin's PUT /users/me is the self-service change, with current_password.
    expect((await json(h, adminSession, 'PUT', '/users/me', { password: NEW_PASSWORD })).status).toBe(400);
    expect((await json(h, adminSession, 'PUT', '/users/me', { password: NEW_PASSWORD, current_password: admin.password })).status).toBe(204);
    expect((await json(h, adminSession, 'DELETE', '/users/me')).status).toBe(404);
    expect(await h.store.getUser(admin.id)).toBeDefined();
  });

  it('POST /users answers 201 with Location, and the user reads back without a hash', async () => {
    const h = await createHarness();
    const { adminSession } = await world(h);
    const res = await json(h, adminSession, 'POST', '/users', { email: 'New@Example.com', password: NEW_PASSWORD, roles: ['auditor', 'ops:read'] });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Record<string, unknown>;
    expect(res.headers.get('Location')).toBe(`/api/management/v1/useradm/users/${created.id}`);
    const rfc3339 = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created).toEqual({ id: expect.any(String), email: 'New@Example.com', roles: ['auditor', 'ops:read'], status: 'active', created_ts: rfc3339, updated_ts: rfc3339 });
    const read = await h.app.request(`http://localhost${res.headers.get('Location')}`, { headers: h.bearer(adminSession) });
    expect(await read.json()).toEqual(created);
    expect(await h.login('new@example.com', NEW_PASSWORD)).toBeTruthy();
  });

  it('POST /users refuses bad input with a 400 naming the field or role', async () => {
    const h = await createHarness();
    const { adminSession } = await world(h);
    const cases: Array<[unknown, number, RegExp]> = [
      [{ password: NEW_PASSWORD }, 400, /^email: is required$/],
      [{ email: 'x@example.com' }, 400, /^password: is required$/],
      [{ email: 'not-an-email', password: NEW_PASSWORD }, 400, /^email: must be an email address/],
      [{ email: 'x@example.com', password: 'elevenchars' }, 400, /^password: must be at least 12 characters long$/],
      [{ email: 'x@example.com', password: NEW_PASSWORD, roles: ['ok', 'no spaces'] }, 400, /^roles: role "no spaces" is not valid; use 1 to 64 characters/],
      [{ email: 'x@example.com', password: NEW_PASSWORD, roles: [''] }, 400, /^roles: role "" is not valid/],
      [{ email: 'x@example.com', password: NEW_PASSWORD, roles: 'admin' }, 400, /^roles: must be an array of strings$/],
      [{ email: 'x@example.com', password: NEW_PASSWORD, roles: [7] }, 400, /^roles: must be an array of strings$/],
      [{ email: 42, password: NEW_PASSWORD }, 400, /^email: must be a string$/],
      [{ email: 'x@example.com', password: NEW_PASSWORD, status: 'active' }, 400, /^status: unknown field/],
      ['{"email":', 400, /cannot parse request body as json/],
      ['', 400, /must be a JSON object with email, password, roles/],
    ];
    for (const [body, code, message] of cases) {
      const res = await json(h, adminSession, 'POST', '/users', body);
      expect(res.status, JSON.stringify(body)).toBe(code);
      expect(await errorOf(res)).toMatch(message);
    }
    const media = await h.request('/users', { method: 'POST', headers: { ...h.bearer(adminSession), 'Content-Type': 'text/plain' }, body: '{}' });
    expect(media.status).toBe(415);
    expect(await h.store.listUsers()).toHaveLength(2);
  });

  it('POST /users answers 409 for a duplicate email, case-insensitively, also when requests race', async () => {
    const h = await createHarness();
    const { adminSession } = await world(h);
    const dup = await json(h, adminSession, 'POST', '/users', { email: 'USER@example.com', password: NEW_PASSWORD });
    expect(dup.status).toBe(409);
    expect(await errorOf(dup)).toBe('a user with email USER@example.com already exists');
    const racing = await Promise.all(
      ['race@example.com', 'Race@example.com', 'RACE@EXAMPLE.COM', 'race@Example.com'].map((email) => json(h, adminSession, 'POST', '/users', { email, password: NEW_PASSWORD })),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect((await h.store.listUsers()).filter((u) => u.email.toLowerCase() === 'race@example.com')).toHaveLength(1);
  });

  it('GET /users lists every user as {id, email, roles, status, created_ts, updated_ts}; GET /users/{id} reads one or 404s', async () => {
    const h = await createHarness();
    const { adminSession, user, admin } = await world(h);
    const list = (await (await json(h, adminSession, 'GET', '/users')).json()) as Array<Record<string, unknown>>;
    expect(list.map((u) => u.email)).toEqual(['root@example.com', 'user@example.com']);
    for (const u of list) expect(Object.keys(u).sort()).toEqual(['created_ts', 'email', 'id', 'roles', 'status', 'updated_ts']);
    expect(list[0]).toMatchObject({ id: admin.id, roles: ['admin'], status: 'active' });
    expect(await (await json(h, adminSession, 'GET', `/users/${user.id}`)).json()).toEqual(list[1]);
    const missing = await json(h, adminSession, 'GET', '/users/00000000-0000-0000-0000-000000000000');
    expect(missing.status).toBe(404);
    expect(await errorOf(missing)).toBe('user 00000000-0000-0000-0000-000000000000 does not exist');
  });

  it('PUT /users/{id} answers 204, and refuses bad input, unknown users and taken emails', async () => {
    const h = await createHarness();
    const { adminSession, user } = await world(h);
    h.clock.advance(2000);
    const ok = await json(h, adminSession, 'PUT', `/users/${user.id}`, { roles: ['ops', 'admin'], status: 'disabled' });
    expect(ok.status).toBe(204);
    expect(await ok.text()).toBe('');
    const read = (await (await json(h, adminSession, 'GET', `/users/${user.id}`)).json()) as Record<string, string>;
    expect(read).toMatchObject({ roles: ['ops', 'admin'], status: 'disabled' });
    expect(read.updated_ts).not.toBe(read.created_ts);

    const cases: Array<[unknown, number, RegExp]> = [
      [{}, 400, /^nothing to change: send at least one of email, password, roles, status$/],
      [{ status: 'locked' }, 400, /^status: must be "active" or "disabled"$/],
      [{ status: true }, 400, /^status: must be a string$/],
      [{ roles: ['ok', 'bad/role'] }, 400, /^roles: role "bad\/role" is not valid/],
      [{ password: 'too short' }, 400, /^password: must be at least 12/],
      [{ email: 'nope' }, 400, /^email: must be an email address/],
      [{ current_password: 'x' }, 400, /^current_password: unknown field/],
      [{ email: 'ROOT@example.com' }, 409, /^a user with email ROOT@example.com already exists$/],
    ];
    for (const [body, code, message] of cases) {
      const res = await json(h, adminSession, 'PUT', `/users/${user.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(code);
      expect(await errorOf(res)).toMatch(message);
    }
    expect((await json(h, adminSession, 'PUT', '/users/nobody', { status: 'active' })).status).toBe(404);
  });

  it('DELETE /users/{id} answers 204 and removes the user and every token record; 404 for an unknown id', async () => {
    const h = await createHarness();
    const { adminSession, user, session, pat } = await world(h);
    expect((await json(h, adminSession, 'DELETE', `/users/${user.id}`)).status).toBe(204);
    expect(await status(h, session)).toBe(401);
    expect(await status(h, pat)).toBe(401);
    expect(await h.store.listTokens(user.id)).toEqual([]);
    expect(await h.store.getUser(user.id)).toBeUndefined();
    expect((await json(h, adminSession, 'DELETE', `/users/${user.id}`)).status).toBe(404);
    // The address is free again.
    expect((await json(h, adminSession, 'POST', '/users', { email: user.email, password: NEW_PASSWORD })).status).toBe(201);
  });

  it('refuses to delete or disable the last active admin with a 409 that says what to do', async () => {
    const h = await createHarness();
    const { adminSession, admin, user } = await world(h);
    for (const [method, body] of [['DELETE', undefined], ['PUT', { status: 'disabled' }], ['PUT', { roles: [] }]] as const) {
      const res = await json(h, adminSession, method, `/users/${admin.id}`, body);
      expect(res.status).toBe(409);
      expect(await errorOf(res)).toBe(`user ${admin.id} is the last active admin: make another user an active admin first, then disable, demote or delete this one`);
    }
    expect(await status(h, adminSession)).toBe(200);
    // With a second admin, the first may step down; then the second is the last.
    expect((await json(h, adminSession, 'PUT', `/users/${user.id}`, { roles: ['admin'] })).status).toBe(204);
    expect((await json(h, adminSession, 'DELETE', `/users/${admin.id}`)).status).toBe(204);
    const second = await h.login(user.email, user.password);
    expect((await json(h, second, 'PUT', `/users/${user.id}`, { status: 'disabled' })).status).toBe(409);
  });

  it('keeps an active admin when two admins disable each other at once over HTTP', async () => {
    const h = await createHarness();
    const a = await h.user('a@example.com', ['admin']);
    const b = await h.user('b@example.com', ['admin']);
    const [sa, sb] = [await h.login(a.email, a.password), await h.login(b.email, b.password)];
    const statuses = await Promise.all([json(h, sa, 'PUT', `/users/${b.id}`, { status: 'disabled' }), json(h, sb, 'PUT', `/users/${a.id}`, { status: 'disabled' })]);
    expect(statuses.map((r) => r.status)).toContain(409);
    expect((await h.store.listUsers()).filter((u) => u.status === 'active' && u.roles.includes('admin'))).toHaveLength(1);
  });
});

describe('PUT /users/me', () => {
  it('changes the own password with current_password, answering 204', async () => {
    const h = await createHarness();
    const { user, session } = await world(h);
    const res = await json(h, session, 'PUT', '/users/me', { password: NEW_PASSWORD, current_password: user.password });
    expect(res.status).toBe(204);
    await expect(h.login(user.email, user.password)).rejects.toThrow(/401/);
    expect(await h.login(user.email, NEW_PASSWORD)).toBeTruthy();
  });

  it('refuses a missing or wrong current_password, fields other than email and password, and bad values', async () => {
    const h = await createHarness();
    const { user, session } = await world(h);
    const cases: Array<[unknown, number, RegExp]> = [
      [{ password: NEW_PASSWORD }, 400, /^current_password: is required to change your email or password$/],
      [{ password: NEW_PASSWORD, current_password: '' }, 400, /^current_password: is required/],
      [{ current_password: user.password }, 400, /^nothing to change: send email or password, with current_password$/],
      [{ roles: ['admin'], current_password: user.password }, 400, /^roles: unknown field; allowed fields are email, password, current_password$/],
      [{ status: 'active', current_password: user.password }, 400, /^status: unknown field/],
      [{ password: 'short', current_password: user.password }, 400, /^password: must be at least 12/],
      [{ email: 'x', current_password: user.password }, 400, /^email: must be an email address/],
      [{ password: NEW_PASSWORD, current_password: 'not my password' }, 403, /^current_password: does not match your current password$/],
      [{ email: 'root@example.com', current_password: user.password }, 409, /^a user with email root@example.com already exists$/],
    ];
    for (const [body, code, message] of cases) {
      const res = await json(h, session, 'PUT', '/users/me', body);
      expect(res.status, JSON.stringify(body)).toBe(code);
      expect(await errorOf(res)).toMatch(message);
    }
    expect((await h.request('/users/me', { method: 'PUT', body: '{}' })).status).toBe(401);
    expect((await h.store.getUser(user.id))?.roles).toEqual(['ops']);
  });

  it('throttles current_password guesses like logins: 429 with Retry-After', async () => {
    const h = await createHarness();
    const { user, session } = await world(h);
    for (let i = 0; i < 5; i++) expect((await json(h, session, 'PUT', '/users/me', { password: NEW_PASSWORD, current_password: `guess number ${i}` })).status).toBe(403);
    const blocked = await json(h, session, 'PUT', '/users/me', { password: NEW_PASSWORD, current_password: user.password });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('Retry-After')).toBe('1');
  });
});

describe('what a change to a user does to their tokens (management API)', () => {
  it('a password change through PUT /users/me revokes every other session and PAT, keeping the token of the request', async () => {
    const h = await createHarness();
    const { user, session, pat } = await world(h);
    const other = await h.login(user.email, user.password);
    expect((await json(h, session, 'PUT', '/users/me', { password: NEW_PASSWORD, current_password: user.password })).status).toBe(204);
    expect([await status(h, session), await status(h, other), await status(h, pat)]).toEqual([200, 401, 401]);
  });

  it('a PAT used for the change is the one kept', async () => {
    const h = await createHarness();
    const { user, session, pat } = await world(h);
    expect((await json(h, pat, 'PUT', '/users/me', { email: 'renamed@example.com', current_password: user.password })).status).toBe(204);
    expect([await status(h, pat), await status(h, session)]).toEqual([200, 401]);
    expect(await h.login('renamed@example.com', user.password)).toBeTruthy();
  });

  it('an admin\'s password or email change revokes all of the user\'s tokens; the admin\'s own token stays', async () => {
    const h = await createHarness();
    const { adminSession, user, session, pat } = await world(h);
    expect((await json(h, adminSession, 'PUT', `/users/${user.id}`, { password: NEW_PASSWORD })).status).toBe(204);
    expect([await status(h, session), await status(h, pat), await status(h, adminSession)]).toEqual([401, 401, 200]);

    const fresh = await h.login(user.email, NEW_PASSWORD);
    expect((await json(h, adminSession, 'PUT', `/users/${user.id}`, { email: 'moved@example.com' })).status).toBe(204);
    expect(await status(h, fresh)).toBe(401);
    // An email change that only changes letter case is not a change of address.
    const again = await h.login('moved@example.com', NEW_PASSWORD);
    expect((await json(h, adminSession, 'PUT', `/users/${user.id}`, { email: 'Moved@Example.com' })).status).toBe(204);
    expect(await status(h, again)).toBe(200);
  });

  it('a role change revokes nothing, and the tokens carry the new roles at once', async () => {
    const h = await createHarness();
    const { adminSession, user, session, pat } = await world(h);
    expect((await json(h, adminSession, 'PUT', `/users/${user.id}`, { roles: ['auditor'] })).status).toBe(204);
    for (const t of [session, pat]) expect(await (await h.request('/users/me', { headers: h.bearer(t) })).json()).toMatchObject({ roles: ['auditor'] });
  });

  it('a disabled user\'s tokens are refused, and enabling the user restores those not revoked', async () => {
    const h = await createHarness();
    const { adminSession, user, session, pat } = await world(h);
    const revokedPat = await h.pat(session, 'revoked');
    const revokedId = ((await (await h.request('/settings/tokens', { headers: h.bearer(session) })).json()) as Array<{ id: string; name: string }>).find((t) => t.name === 'revoked')!.id;
    expect((await h.request(`/settings/tokens/${revokedId}`, { method: 'DELETE', headers: h.bearer(session) })).status).toBe(204);

    expect((await json(h, adminSession, 'PUT', `/users/${user.id}`, { status: 'disabled' })).status).toBe(204);
    expect([await status(h, session), await status(h, pat)]).toEqual([401, 401]);
    await expect(h.login(user.email, user.password)).rejects.toThrow(/401/);
    expect((await json(h, adminSession, 'PUT', `/users/${user.id}`, { status: 'active' })).status).toBe(204);
    expect([await status(h, session), await status(h, pat), await status(h, revokedPat)]).toEqual([200, 200, 401]);
  });
});

describe('password hashes', () => {
  it('never appear in a response or a log line', async () => {
    const lines: string[] = [];
    const push = (level: string) => (message: string, fields: Record<string, unknown> = {}) => void lines.push(JSON.stringify({ level, message, ...fields }));
    const logger: Logger = { info: push('info'), warn: push('warn'), error: push('error') };
    const h = await createHarness({ logger });
    const { adminSession, user, session } = await world(h);
    const bodies: string[] = [];
    const call = async (token: string, method: string, path: string, body?: unknown) => {
      const res = await json(h, token, method, path, body);
      bodies.push(`${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`);
    };
    await call(adminSession, 'POST', '/users', { email: 'third@example.com', password: NEW_PASSWORD, roles: ['x'] });
    await call(adminSession, 'POST', '/users', { email: 'third@example.com', password: NEW_PASSWORD });
    await call(adminSession, 'GET', '/users');
    await call(adminSession, 'GET', `/users/${user.id}`);
    await call(adminSession, 'PUT', `/users/${user.id}`, { password: NEW_PASSWORD, roles: ['y'] });
    await call(adminSession, 'PUT', `/users/${user.id}`, { status: 'nope' });
    await call(session, 'PUT', '/users/me', { password: NEW_PASSWORD, current_password: 'wrong' });
    await call(session, 'GET', '/users/me');
    await call(session, 'GET', '/users');
    // A store failure mid-request: the 503 and its log line must not carry the hash either.
    const broken = await createHarness({ logger });
    const admin = await broken.user('root@example.com', ['admin']);
    const token = await broken.login(admin.email, admin.password);
    broken.client.middlewareStack.add(() => () => Promise.reject(Object.assign(new Error('boom'), { name: 'InternalServerError' })), { step: 'initialize', name: 'failAll' });
    const failed = await json(broken, token, 'GET', '/users');
    bodies.push(await failed.text());
    expect(failed.status).toBe(503);

    const hashes = [...(await h.store.listUsers()), admin].map((u) => ('passwordHash' in u ? u.passwordHash : '')).filter(Boolean);
    expect(hashes.length).toBeGreaterThan(2);
    const everything = [...bodies, ...lines].join('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(everything).not.toMatch(/scrypt\$/);
    expect(everything).not.toMatch(/passwordHash|password_hash/);
  });
});
