import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuthorizedRoutes } from '../../../functions/local/authorizer-gateway.js';
import { readBody, toRestEvent } from '../../../functions/local/lambda-gateway.js';
import { startLocalServer, type LocalServer } from '../../../functions/local/server.js';
import { loadConfig } from '../../../shared/config.js';
import { wireRuntime } from '../../../shared/wiring.js';
import { dynamoEndpoint } from '../../support/harness.js';

const BASE = '/api/management/v1/useradm';
const ADMIN = { PATGATE_ADMIN_EMAIL: 'root@example.com', PATGATE_ADMIN_PASSWORD: 'a long admin password' };
const basic = (email: string, password: string) => `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;

describe('local authorizer gateway (/demo)', () => {
  let local: LocalServer;
  let dataDir: string;
  let env: Record<string, string>;
  const servers: Server[] = [];

  const login = async (email: string, password: string) =>
    (await fetch(`${local.url}${BASE}/auth/login`, { method: 'POST', headers: { Authorization: basic(email, password) } })).text();
  const createPat = async (session: string, name: string) => {
    const res = await fetch(`${local.url}${BASE}/settings/tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${session}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, expires_in: 3600 }),
    });
    expect(res.status).toBe(200);
    return res.text();
  };
  const demo = (path: string, token?: string) => fetch(`${local.url}${path}`, { headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pg-demo-'));
    env = { ...ADMIN, PORT: '0', PATGATE_DATA_DIR: dataDir, DYNAMODB_ENDPOINT: dynamoEndpoint(), TABLE_NAME: `t-${randomUUID()}`, PATGATE_DECISION_CACHE_SECONDS: '0' };
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    local = await startLocalServer({ env, announce: false });
  });
  afterAll(async () => {
    await local?.close();
    await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers GET /demo/whoami for a PAT with the authorizer context, as strings', async () => {
    const pat = await createPat(await login(ADMIN.PATGATE_ADMIN_EMAIL, ADMIN.PATGATE_ADMIN_PASSWORD), 'demo');
    const res = await demo('/demo/whoami', pat);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    const claims = decodeJwt(pat);
    expect(body).toEqual({
      principalId: claims.sub,
      userId: claims.sub,
      email: ADMIN.PATGATE_ADMIN_EMAIL,
      roles: 'admin',
      tokenId: claims.jti,
      tokenKind: 'pat',
      expiresAt: new Date(claims.exp! * 1000).toISOString().replace('.000Z', 'Z'),
    });
    expect((await demo('/demo/admin/whoami', pat)).status).toBe(200);
  });

  it('answers 401 with a JSON error and WWW-Authenticate for a revoked PAT and for no token', async () => {
    const session = await login(ADMIN.PATGATE_ADMIN_EMAIL, ADMIN.PATGATE_ADMIN_PASSWORD);
    const pat = await createPat(session, 'revoked');
    expect((await demo('/demo/whoami', pat)).status).toBe(200);
    await fetch(`${local.url}${BASE}/settings/tokens/${decodeJwt(pat).jti}`, { method: 'DELETE', headers: { Authorization: `Bearer ${session}` } });
    const res = await demo('/demo/whoami', pat);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="patgate", error="invalid_token"');
    expect(await res.json()).toMatchObject({ error: expect.stringMatching(/Bearer/), request_id: expect.any(String) });
    const none = await demo('/demo/whoami');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="patgate"');
  });

  it('answers 403 on /demo/admin/whoami for a user without role admin, and 200 on /demo/whoami', async () => {
    const runtime = await wireRuntime(loadConfig({ ...env, PATGATE_SIGNING_KEY_FILE: join(dataDir, 'signing-key.pem') }), { sign: true });
    const user = await runtime.users.create({ email: `dev-${randomUUID()}@example.com`, password: 'a long user password', roles: ['dev'] });
    const pat = await createPat(await login(user.email, 'a long user password'), 'dev');
    const res = await demo('/demo/admin/whoami', pat);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: expect.stringMatching(/roles/), request_id: expect.any(String) });
    expect((await demo('/demo/whoami', pat)).status).toBe(200);
  });

  it('answers 404 for an unknown demo route without calling the authorizer', async () => {
    expect((await demo('/demo/nope', 'x')).status).toBe(404);
  });

  it('answers 500, never the route, when the authorizer fails or answers what API Gateway cannot use', async () => {
    const downstream = vi.fn(async () => ({ statusCode: 200, body: 'reached' }));
    const answers: Array<() => Promise<unknown>> = [
      async () => {
        throw new Error('the authorizer could not decide; try again');
      },
      async () => ({ principalId: 'u', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: '*' }] }, context: { roles: ['admin'] } }),
      async () => ({ policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: '*' }] } }),
    ];
    for (const answer of answers) {
      const serve = createAuthorizedRoutes({ authorizer: answer, downstream, routes: ['GET /demo/whoami'] });
      const server = createServer(async (req, res) => serve(res, toRestEvent(req, (await readBody(req, 1024)) as Buffer)));
      servers.push(server);
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/demo/whoami`, { headers: { Authorization: 'Bearer x' } });
      expect(res.status).toBe(500);
      expect(await res.json()).toMatchObject({ error: 'internal error' });
    }
    expect(downstream).not.toHaveBeenCalled();
  });
});
