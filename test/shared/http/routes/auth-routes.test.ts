import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { createHarness } from '../../../support/harness.js';

const LOGIN = '/auth/login';

describe('POST /auth/login', () => {
  it('answers 200 with a session JWT as application/jwt, email case-insensitive', async () => {
    const h = await createHarness();
    const u = await h.user('Bob@Example.com');
    const res = await h.request(LOGIN, { method: 'POST', headers: { Authorization: h.basic('BOB@example.COM', u.password) } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/jwt');
    const jwt = await res.text();
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', kid: h.signer.kid, typ: 'at+jwt' });
    const claims = decodeJwt(jwt);
    expect(claims).toMatchObject({ iss: 'patgate', sub: u.id, kind: 'session' });
    expect(claims.exp! - claims.iat!).toBe(604_800);
    expect(claims.nbf).toBe(claims.iat);
    expect(typeof claims.jti).toBe('string');
    expect(claims).not.toHaveProperty('roles');
  });

  it('accepts an empty JSON body and {"no_expiry": false}, as Mender clients send', async () => {
    const h = await createHarness();
    const u = await h.user();
    const headers = { Authorization: h.basic(u.email, u.password), 'Content-Type': 'application/json' };
    expect((await h.request(LOGIN, { method: 'POST', headers, body: '' })).status).toBe(200);
    expect((await h.request(LOGIN, { method: 'POST', headers, body: '{"no_expiry":false}' })).status).toBe(200);
  });

  it('refuses no_expiry with a 400 unless the deployment allows non-expiring tokens', async () => {
    const h = await createHarness();
    const u = await h.user();
    const headers = { Authorization: h.basic(u.email, u.password), 'Content-Type': 'application/json' };
    const res = await h.request(LOGIN, { method: 'POST', headers, body: '{"no_expiry":true}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/non-expiring tokens are not allowed/);

    const open = await createHarness({ env: { PATGATE_ALLOW_NON_EXPIRING: 'true' } });
    const v = await open.user();
    const ok = await open.request(LOGIN, { method: 'POST', headers: { Authorization: open.basic(v.email, v.password), 'Content-Type': 'application/json' }, body: '{"no_expiry":true}' });
    expect(ok.status).toBe(200);
    const jwt = await ok.text();
    expect(decodeJwt(jwt).exp).toBeUndefined();
    expect((await open.request('/users/me', { headers: open.bearer(jwt) })).status).toBe(200);
  });

  it('refuses a body that is not JSON, a wrong type and an unknown field, naming the field', async () => {
    const h = await createHarness();
    const u = await h.user();
    const headers = { Authorization: h.basic(u.email, u.password), 'Content-Type': 'application/json' };
    const cases: Array<[string, RegExp]> = [
      ['{not json', /cannot parse request body as json/],
      ['{"no_expiry":"yes"}', /no_expiry: must be true or false/],
      ['{"remember":true}', /remember: unknown field/],
      ['[]', /must be a JSON object/],
    ];
    for (const [body, message] of cases) {
      const res = await h.request(LOGIN, { method: 'POST', headers, body });
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: string; request_id: string };
      expect(json.error).toMatch(message);
      expect(json.request_id).toBeTruthy();
    }
  });

  it('answers 401 for a wrong password, an unknown email, and missing or malformed credentials', async () => {
    const h = await createHarness();
    const u = await h.user();
    const attempts: Array<Record<string, string>> = [
      { Authorization: h.basic(u.email, 'wrong password!') },
      { Authorization: h.basic('nobody@example.com', u.password) },
      {},
      { Authorization: 'Basic !!!' },
      { Authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` },
      { Authorization: 'Bearer abc' },
    ];
    for (const headers of attempts) {
      const res = await h.request(LOGIN, { method: 'POST', headers });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBeTruthy();
    }
  });

  it('gives the same answer for an unknown email as for a wrong password', async () => {
    const h = await createHarness();
    const u = await h.user();
    const wrong = await h.request(LOGIN, { method: 'POST', headers: { Authorization: h.basic(u.email, 'wrong password!') } });
    const unknown = await h.request(LOGIN, { method: 'POST', headers: { Authorization: h.basic('ghost@example.com', 'wrong password!') } });
    expect(unknown.status).toBe(wrong.status);
    const strip = (b: { error: string }) => b.error;
    expect(strip((await unknown.json()) as { error: string })).toBe(strip((await wrong.json()) as { error: string }));
  });

  it('keeps at most 10 live sessions per user, dropping the oldest', async () => {
    const h = await createHarness();
    const u = await h.user();
    const sessions: string[] = [];
    for (let i = 0; i < 12; i++) {
      sessions.push(await h.login(u.email, u.password));
      h.clock.advance(1000);
    }
    const statuses = await Promise.all(sessions.map(async (s) => (await h.request('/users/me', { headers: h.bearer(s) })).status));
    expect(statuses).toEqual([401, 401, ...Array(10).fill(200)]);
  });
});

describe('POST /auth/logout', () => {
  it('revokes the presented token and answers 202', async () => {
    const h = await createHarness();
    const u = await h.user();
    const s1 = await h.login(u.email, u.password);
    const s2 = await h.login(u.email, u.password);
    expect((await h.request('/auth/logout', { method: 'POST', headers: h.bearer(s1) })).status).toBe(202);
    expect((await h.request('/users/me', { headers: h.bearer(s1) })).status).toBe(401);
    expect((await h.request('/users/me', { headers: h.bearer(s2) })).status).toBe(200);
  });

  it('answers 401 without a valid token', async () => {
    const h = await createHarness();
    const none = await h.request('/auth/logout', { method: 'POST' });
    expect(none.status).toBe(401);
    expect(none.headers.get('WWW-Authenticate')).toBe('Bearer realm="patgate"');
    const bad = await h.request('/auth/logout', { method: 'POST', headers: h.bearer('garbage') });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('WWW-Authenticate')).toBe('Bearer realm="patgate", error="invalid_token"');
  });
});
