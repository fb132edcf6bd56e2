import { describe, expect, it } from 'vitest';
import { createApp } from '../../../shared/http/app.js';
import { createRuntime } from '../../../shared/runtime.js';
import type { Store } from '../../../shared/store/store.js';
import type { Logger } from '../../../shared/logger.js';
import { createHarness, testPasswords } from '../../support/harness.js';

/** Collects log lines so tests can read what would reach CloudWatch. */
function memoryLogger() {
  const lines: string[] = [];
  const push = (level: string) => (message: string, fields: Record<string, unknown> = {}) => void lines.push(JSON.stringify({ level, message, ...fields }));
  const logger: Logger = { info: push('info'), warn: push('warn'), error: push('error') };
  return { logger, lines };
}

describe('management API app', () => {
  it('logs in, creates, lists, uses, revokes a PAT and logs out', async () => {
    const h = await createHarness();
    const u = await h.user('Alice@Example.com');
    const session = await h.login('alice@example.COM', u.password);
    const pat = await h.pat(session, 'ci', 3600);
    const items = (await (await h.request('/settings/tokens', { headers: h.bearer(session) })).json()) as Array<Record<string, string>>;
    expect(items.map((t) => t.name)).toEqual(['ci']);
    const me = await h.request('/users/me', { headers: h.bearer(pat) });
    expect(await me.json()).toEqual({ id: u.id, email: 'Alice@Example.com', roles: [], created_ts: expect.stringMatching(/Z$/) });
    expect((await h.request(`/settings/tokens/${items[0]!.id}`, { method: 'DELETE', headers: h.bearer(session) })).status).toBe(204);
    expect((await h.request('/users/me', { headers: h.bearer(pat) })).status).toBe(401);
    expect((await h.request('/auth/logout', { method: 'POST', headers: h.bearer(session) })).status).toBe(202);
    expect((await h.request('/users/me', { headers: h.bearer(session) })).status).toBe(401);
  });

  it('publishes the public keys as a JWK set', async () => {
    const h = await createHarness();
    const res = await h.app.request('http://localhost/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/jwk-set+json');
    const { keys } = (await res.json()) as { keys: Array<Record<string, string>> };
    expect(keys).toEqual([{ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: h.signer.kid, alg: 'ES256', use: 'sig' }]);
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const h = await createHarness();
    const res = await h.request('/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: expect.stringMatching(/no such endpoint: GET/), request_id: expect.any(String) });
  });

  it('carries WWW-Authenticate with invalid_token on a 401 for a bad token, and no error code without credentials', async () => {
    const h = await createHarness();
    const bad = await h.request('/users/me', { headers: { Authorization: 'Bearer nope' } });
    expect(bad.headers.get('WWW-Authenticate')).toBe('Bearer realm="patgate", error="invalid_token"');
    const none = await h.request('/users/me');
    expect(none.status).toBe(401);
    expect(none.headers.get('WWW-Authenticate')).toBe('Bearer realm="patgate"');
    const scheme = await h.request('/users/me', { headers: { Authorization: 'Token abc' } });
    expect(scheme.status).toBe(401);
    expect(((await scheme.json()) as { error: string }).error).toMatch(/Authorization: Bearer <token>/);
  });

  it('does not trust identity headers set upstream', async () => {
    const h = await createHarness();
    const u = await h.user();
    const res = await h.request('/users/me', { headers: { 'X-User-Id': u.id, 'X-Forwarded-User': u.email } });
    expect(res.status).toBe(401);
  });

  it('turns an unexpected failure into a 500 "internal error", logged with the request id and without secrets', async () => {
    const h = await createHarness();
    const u = await h.user();
    const session = await h.login(u.email, u.password);
    const broken: Store = { ...h.store, listTokens: async () => { throw new TypeError('boom in listTokens'); } };
    const runtime = await createRuntime({ config: h.config, store: broken, signer: h.signer, publicKeys: [h.signer.publicJwk], clock: h.clock, passwords: testPasswords });
    const { logger, lines } = memoryLogger();
    const app = createApp({ runtime, logger });
    const res = await app.request('http://localhost/api/management/v1/useradm/settings/tokens', { headers: h.bearer(session) });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: string; request_id: string };
    expect(body).toEqual({ error: 'internal error', request_id: expect.any(String) });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(body.request_id);
    expect(lines[0]).toContain('boom in listTokens');
    expect(lines[0]).not.toContain(session);
    expect(lines[0]).not.toContain(session.split('.')[2]!);
  });

  it('answers 503 and logs when the store is unreachable, never 401', async () => {
    const { createDynamoClient, createDynamoStore } = await import('../../../shared/store/dynamo-store.js');
    const h = await createHarness();
    const u = await h.user();
    const session = await h.login(u.email, u.password);
    const dead = createDynamoStore(createDynamoClient({ tableName: h.tableName, endpoint: 'http://127.0.0.1:9' }), h.tableName);
    const runtime = await createRuntime({ config: h.config, store: dead, signer: h.signer, publicKeys: [h.signer.publicJwk], clock: h.clock, passwords: testPasswords });
    const { logger, lines } = memoryLogger();
    const res = await createApp({ runtime, logger }).request('http://localhost/api/management/v1/useradm/users/me', { headers: h.bearer(session) });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toMatch(/unavailable/);
    expect(lines.join('\n')).not.toContain(session);
  });

  it('refuses a JSON body sent with another media type', async () => {
    const h = await createHarness();
    const u = await h.user();
    const session = await h.login(u.email, u.password);
    const res = await h.request('/settings/tokens', { method: 'POST', headers: { ...h.bearer(session), 'Content-Type': 'text/plain' }, body: '{"name":"a","expires_in":60}' });
    expect(res.status).toBe(415);
  });
});
