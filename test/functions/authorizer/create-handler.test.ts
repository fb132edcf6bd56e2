import { createHmac, createPublicKey, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64url, decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuthorizerHandler, type AuthorizerHandler, type IamAuthorizerResponse } from '../../../functions/authorizer/create-handler.js';
import type { AuthorizerEvent } from '../../../functions/authorizer/events.js';
import { evaluatePolicy } from '../../../functions/local/policy-evaluation.js';
import { parseRouteRoles } from '../../../shared/config.js';
import type { Logger } from '../../../shared/logger.js';
import { createAuthenticator } from '../../../shared/auth/authenticator.js';
import { createDynamoClient, createDynamoStore } from '../../../shared/store/dynamo-store.js';
import { arnFor, httpV1Event, httpV2Event, restRequestEvent, restTokenEvent, stageArn } from '../../support/authorizer-events.js';
import { createHarness, dynamoEndpoint, type Harness } from '../../support/harness.js';
import { countRequests, type RequestCounter } from '../../support/request-counter.js';

const RULES = { 'GET /reports/*': ['auditor'], '* /admin/*': ['admin'] };

/** A logger that keeps every line, to check what was (not) logged. */
function memoryLogger() {
  const lines: string[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push(JSON.stringify({ level, message, ...fields }));
  const logger: Logger = { info: log('info'), warn: log('warn'), error: log('error') };
  return { logger, lines };
}

/** Expects the exact failure API Gateway turns into a 401. */
async function expectUnauthorized(p: Promise<unknown>): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected the handler to fail').toBeInstanceOf(Error);
  expect((err as Error).message).toBe('Unauthorized');
}

const enc = (v: unknown) => base64url.encode(JSON.stringify(v));

describe('authorizer handler', () => {
  let h: Harness;
  let requests: RequestCounter;
  let handler: AuthorizerHandler;
  let logs: string[];
  let alice: Awaited<ReturnType<Harness['user']>>;
  let session: string;
  let pat: string;

  /** A handler with its own cache, on the same store. */
  const freshHandler = (cacheSeconds = 0) => {
    const { logger, lines } = memoryLogger();
    logs = lines;
    return createAuthorizerHandler({
      authenticator: h.runtime.authenticator,
      config: { routeRoles: parseRouteRoles(JSON.stringify(RULES)), decisionCacheSeconds: cacheSeconds },
      clock: h.clock,
      logger,
    });
  };
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  /** Signs any header and claims with the deployment's real key. */
  const signRaw = async (header: object, claims: object) => {
    const input = `${enc(header)}.${enc(claims)}`;
    return `${input}.${base64url.encode(await h.signer.sign(new TextEncoder().encode(input)))}`;
  };
  const claimsOf = (token: string) => decodeJwt(token) as Record<string, unknown>;
  const header = () => ({ alg: 'ES256', kid: h.signer.kid, typ: 'at+jwt' });

  beforeAll(async () => {
    const client = createDynamoClient({ tableName: 'unused', endpoint: dynamoEndpoint() });
    requests = countRequests(client);
    h = await createHarness({ client, env: { PATGATE_ROUTE_ROLES: JSON.stringify(RULES) } });
    alice = await h.user(`alice-${randomUUID()}@example.com`, ['auditor']);
    session = await h.login(alice.email, alice.password);
    pat = await h.pat(session, 'ci');
    handler = freshHandler();
  });

  describe('event kinds', () => {
    it('answers a REST TOKEN event with a cache-safe policy, the user as principal and a string context', async () => {
      const res = (await handler(restTokenEvent(`Bearer ${pat}`))) as IamAuthorizerResponse;
      const jti = claimsOf(pat).jti as string;
      const exp = claimsOf(pat).exp as number;
      expect(res).toEqual({
        principalId: alice.id,
        policyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: stageArn() },
            {
              Action: 'execute-api:Invoke',
              Effect: 'Deny',
              Resource: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'].map((m) => arnFor({ method: m, path: '/admin/*' })),
            },
          ],
        },
        context: {
          userId: alice.id,
          email: alice.email,
          roles: 'auditor',
          tokenId: jti,
          tokenKind: 'pat',
          expiresAt: new Date(exp * 1000).toISOString().replace('.000Z', 'Z'),
        },
      });
      for (const value of Object.values(res.context)) expect(typeof value).toBe('string');
    });

    it('answers a REST REQUEST event, finding the Authorization header whatever its case', async () => {
      for (const name of ['Authorization', 'authorization', 'AUTHORIZATION', 'aUtHoRiZaTiOn']) {
        const res = (await handler(restRequestEvent({ [name]: `Bearer ${pat}` }))) as IamAuthorizerResponse;
        expect(res.principalId).toBe(alice.id);
        expect(res.policyDocument.Statement[0]).toEqual({ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: stageArn() });
      }
    });

    it('accepts the Bearer scheme in any case', async () => {
      for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
        await expect(handler(restTokenEvent(`${scheme} ${pat}`))).resolves.toMatchObject({ principalId: alice.id });
      }
    });

    it('answers an HTTP API 1.0 event with the IAM policy format', async () => {
      const res = (await handler(httpV1Event(bearer(session), { stage: '$default' }))) as IamAuthorizerResponse;
      expect(res.principalId).toBe(alice.id);
      expect(res.policyDocument.Statement[0]!.Resource).toBe(stageArn({ stage: '$default' }));
      expect(res.context).toMatchObject({ userId: alice.id, tokenKind: 'session', roles: 'auditor' });
    });

    it('answers an HTTP API 2.0 event with a simple response whose roles are an array', async () => {
      const res = await handler(httpV2Event(bearer(pat), { method: 'GET', path: '/reports/q3' }));
      expect(res).toEqual({
        isAuthorized: true,
        context: {
          userId: alice.id,
          email: alice.email,
          roles: ['auditor'],
          tokenId: claimsOf(pat).jti,
          tokenKind: 'pat',
          expiresAt: new Date((claimsOf(pat).exp as number) * 1000).toISOString().replace('.000Z', 'Z'),
        },
      });
    });

    it('answers an HTTP API 2.0 event for a refused token with exactly { isAuthorized: false }', async () => {
      expect(await handler(httpV2Event(bearer('garbage')))).toEqual({ isAuthorized: false });
      expect(await handler(httpV2Event({}))).toEqual({ isAuthorized: false });
    });

    it('leaves expiresAt out for a non-expiring token', async () => {
      const hh = await createHarness({ env: { PATGATE_ALLOW_NON_EXPIRING: 'true' } });
      const u = await hh.user();
      const forever = await hh.pat(await hh.login(u.email, u.password), 'forever', 0);
      const res = (await createAuthorizerHandler({ runtime: hh.runtime })(restTokenEvent(`Bearer ${forever}`))) as IamAuthorizerResponse;
      expect(res.context).toEqual({ userId: u.id, email: u.email, roles: '', tokenId: claimsOf(forever).jti, tokenKind: 'pat' });
    });

    it('fails with an ordinary error (500), not a refusal, for an event it was not set up for', async () => {
      for (const event of [{}, { type: 'TOKEN', authorizationToken: `Bearer ${pat}` }, { type: 'TOKEN', authorizationToken: `Bearer ${pat}`, methodArn: 'arn:nope' }, { version: '2.0', type: 'REQUEST' }]) {
        const err = await handler(event as unknown as AuthorizerEvent).then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(Error);
        expect((err as Error).message).not.toBe('Unauthorized');
      }
    });
  });

  describe('tokens', () => {
    it('accepts both a session token and a PAT', async () => {
      await expect(handler(restTokenEvent(`Bearer ${session}`))).resolves.toMatchObject({ principalId: alice.id, context: { tokenKind: 'session' } });
      await expect(handler(restTokenEvent(`Bearer ${pat}`))).resolves.toMatchObject({ principalId: alice.id, context: { tokenKind: 'pat' } });
    });

    it('refuses alg none', async () => {
      await expectUnauthorized(handler(restTokenEvent(`Bearer ${enc({ alg: 'none', typ: 'at+jwt', kid: h.signer.kid })}.${enc(claimsOf(pat))}.`)));
    });

    it('refuses HS256 signed with the public key', async () => {
      const pem = createPublicKey({ key: { ...h.signer.publicJwk }, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      const input = `${enc({ alg: 'HS256', kid: h.signer.kid, typ: 'at+jwt' })}.${enc(claimsOf(pat))}`;
      await expectUnauthorized(handler(restTokenEvent(`Bearer ${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`)));
    });

    it('refuses an unknown kid', async () => {
      await expectUnauthorized(handler(restTokenEvent(`Bearer ${await signRaw({ ...header(), kid: 'unknown' }, claimsOf(pat))}`)));
    });

    it('refuses a tampered payload and a tampered signature', async () => {
      const [head, , sig] = pat.split('.');
      await expectUnauthorized(handler(restTokenEvent(`Bearer ${head}.${enc({ ...claimsOf(pat), sub: 'someone-else' })}.${sig}`)));
      const bytes = Buffer.from(sig!, 'base64url');
      bytes[5] = bytes[5]! ^ 0x01;
      await expectUnauthorized(handler(restTokenEvent(`Bearer ${pat.split('.').slice(0, 2).join('.')}.${bytes.toString('base64url')}`)));
    });

    it('refuses an expired, a not-yet-valid and a wrong-issuer token even when its record is live', async () => {
      const now = Math.floor(h.clock.now() / 1000);
      const live = claimsOf(pat);
      await expectUnauthorized(handler(restTokenEvent(`Bearer ${await signRaw(header(), { ...live, exp: now - 3600 })}`)));
      await expectUnauthorized(handler(restTokenEvent(`Bearer ${await signRaw(header(), { ...live, nbf: now + 3600 })}`)));
      await expectUnauthorized(handler(restTokenEvent(`Bearer ${await signRaw(header(), { ...live, iss: 'someone-else' })}`)));
    });

    it('refuses a token once its time has passed', async () => {
      const u = await h.user();
      const shortLived = await h.pat(await h.login(u.email, u.password), 'short', 60);
      await expect(handler(restTokenEvent(`Bearer ${shortLived}`))).resolves.toBeTruthy();
      h.clock.advance(61_000 + 31_000);
      try {
        await expectUnauthorized(handler(restTokenEvent(`Bearer ${shortLived}`)));
      } finally {
        h.clock.advance(-(61_000 + 31_000));
      }
    });

    it('refuses a revoked PAT and a token whose record was deleted', async () => {
      const u = await h.user();
      const s = await h.login(u.email, u.password);
      const p = await h.pat(s, 'soon-revoked');
      await expect(handler(restTokenEvent(`Bearer ${p}`))).resolves.toBeTruthy();
      const res = await h.request(`/settings/tokens/${claimsOf(p).jti}`, { method: 'DELETE', headers: bearer(s) });
      expect(res.status).toBe(204);
      await expectUnauthorized(handler(restTokenEvent(`Bearer ${p}`)));
      await h.store.deleteToken(u.id, claimsOf(s).jti as string);
      await expectUnauthorized(handler(restTokenEvent(`Bearer ${s}`)));
    });

    it('refuses the tokens of a disabled user and of a deleted user', async () => {
      const u = await h.user();
      const p = await h.pat(await h.login(u.email, u.password), 'x');
      await h.store.updateUser(u.id, { status: 'disabled' }, h.clock.now());
      await expectUnauthorized(handler(restTokenEvent(`Bearer ${p}`)));
      const v = await h.user();
      const q = await h.pat(await h.login(v.email, v.password), 'y');
      await h.store.deleteUser(v.id);
      await expectUnauthorized(handler(restTokenEvent(`Bearer ${q}`)));
    });

    it('refuses a signed token whose sub does not own the record', async () => {
      const mallory = await h.user();
      // Alice's token id under Mallory's id: the record is looked up in Mallory's partition and is not there.
      await expectUnauthorized(handler(restTokenEvent(`Bearer ${await signRaw(header(), { ...claimsOf(pat), sub: mallory.id })}`)));
    });

    it('refuses garbage, an empty value, a missing Bearer scheme, several tokens and a 100 KB header', async () => {
      const bad = ['garbage', '', ' ', 'Bearer', 'Bearer ', pat, `Basic ${pat}`, `Token ${pat}`, `Bearer ${pat} ${pat}`, `Bearer ${pat},Bearer ${pat}`, `Bearer ${pat}, Bearer ${session}`, `Bearer ${'a'.repeat(100 * 1024)}`, 'x'.repeat(100 * 1024)];
      for (const value of bad) {
        await expectUnauthorized(handler(restTokenEvent(value)));
        await expectUnauthorized(handler(restRequestEvent({ Authorization: value })));
        await expectUnauthorized(handler(httpV1Event({ authorization: value })));
        expect(await handler(httpV2Event({ authorization: value }))).toEqual({ isAuthorized: false });
      }
    });

    it('refuses a request with no Authorization header', async () => {
      await expectUnauthorized(handler(restRequestEvent({})));
      await expectUnauthorized(handler(httpV1Event({})));
    });

    it('refuses several Authorization headers, even when one of them is good', async () => {
      await expectUnauthorized(handler(restRequestEvent(bearer(pat), {}, { Authorization: [`Bearer ${pat}`, `Bearer ${session}`] })));
      await expectUnauthorized(handler(restRequestEvent(bearer(pat), {}, { Authorization: [`Bearer ${pat}`, `Bearer ${pat}`] })));
      await expectUnauthorized(handler(restRequestEvent({ Authorization: `Bearer ${pat}`, authorization: `Bearer ${session}` })));
    });

    it('logs a refusal with its reason but never the token', async () => {
      const mine = freshHandler();
      await expectUnauthorized(mine(restTokenEvent(`Bearer ${pat.slice(0, -4)}AAAA`)));
      expect(logs.join('\n')).toContain('token refused');
      expect(logs.join('\n')).not.toContain(pat.split('.')[1]!);
    });
  });

  describe('route role rules', () => {
    it('gives a token the same policy whatever route it first hit', async () => {
      const routes = [
        { method: 'GET', path: '/reports/2026' },
        { method: 'POST', path: '/admin/users' },
        { method: 'DELETE', path: '/' },
        { method: 'PUT', path: '/orders/1/items' },
      ];
      const policies = [];
      for (const route of routes) {
        const res = (await freshHandler()(restTokenEvent(`Bearer ${pat}`, route))) as IamAuthorizerResponse;
        policies.push(res.policyDocument);
      }
      for (const p of policies) expect(p).toEqual(policies[0]);
    });

    it('builds a policy that allows and denies each route as the rules say, under API Gateway caching', async () => {
      const admin = await h.user(undefined, ['admin']);
      const adminPat = await h.pat(await h.login(admin.email, admin.password), 'admin-ci');
      const cases: Array<[method: string, path: string, alice: 'allow' | 'deny', admin: 'allow' | 'deny']> = [
        ['GET', '/reports/2026', 'allow', 'deny'],
        ['GET', '/reports/a/b/c', 'allow', 'deny'],
        ['POST', '/reports/2026', 'allow', 'allow'],
        ['GET', '/admin/users', 'deny', 'allow'],
        ['DELETE', '/admin/users/1', 'deny', 'allow'],
        ['GET', '/other/admin/x', 'allow', 'allow'],
        ['GET', '/', 'allow', 'allow'],
      ];
      // The policy is fetched once per token, from one route, as a cached policy would be reused.
      const alicePolicy = ((await freshHandler()(restTokenEvent(`Bearer ${pat}`, { path: '/somewhere' }))) as IamAuthorizerResponse).policyDocument;
      const adminPolicy = ((await freshHandler()(restTokenEvent(`Bearer ${adminPat}`, { path: '/somewhere' }))) as IamAuthorizerResponse).policyDocument;
      for (const [method, path, aliceOutcome, adminOutcome] of cases) {
        expect(evaluatePolicy(alicePolicy, arnFor({ method, path })), `alice ${method} ${path}`).toBe(aliceOutcome);
        expect(evaluatePolicy(adminPolicy, arnFor({ method, path })), `admin ${method} ${path}`).toBe(adminOutcome);
        const simple = (t: string) => handler(httpV2Event(bearer(t), { method, path }));
        expect(await simple(pat), `alice ${method} ${path} (HTTP API)`).toMatchObject({ isAuthorized: aliceOutcome === 'allow' });
        expect(await simple(adminPat), `admin ${method} ${path} (HTTP API)`).toMatchObject({ isAuthorized: adminOutcome === 'allow' });
      }
      // Another stage or API is never covered.
      expect(evaluatePolicy(alicePolicy, arnFor({ stage: 'dev' }))).toBe('deny');
      expect(evaluatePolicy(alicePolicy, arnFor({ apiId: 'other' }))).toBe('deny');
    });

    it('uses the roles the user has now, not those at login', async () => {
      const u = await h.user(undefined, []);
      const p = await h.pat(await h.login(u.email, u.password), 'r');
      expect(await handler(httpV2Event(bearer(p), { path: '/admin/x' }))).toEqual({ isAuthorized: false });
      await h.store.updateUser(u.id, { roles: ['admin'] }, h.clock.now());
      expect(await handler(httpV2Event(bearer(p), { path: '/admin/x' }))).toMatchObject({ isAuthorized: true, context: { roles: ['admin'] } });
    });
  });

  describe('store', () => {
    it('makes one DynamoDB request for an uncached decision and none for a cached one', async () => {
      const cached = freshHandler(5);
      await handler(restTokenEvent(`Bearer ${pat}`)); // last_used is fresh from here on
      requests.reset();
      await cached(restTokenEvent(`Bearer ${pat}`));
      expect(requests.byCommand).toEqual({ BatchGetItemCommand: 1 });
      requests.reset();
      await cached(restTokenEvent(`Bearer ${pat}`, { path: '/admin/other' }));
      await cached(httpV2Event(bearer(pat)));
      expect(requests.total).toBe(0);
    });

    it('writes last_used with one conditional write when it is stale, then not again for 5 minutes', async () => {
      const u = await h.user();
      const p = await h.pat(await h.login(u.email, u.password), 'fresh');
      requests.reset();
      await handler(restTokenEvent(`Bearer ${p}`));
      expect(requests.byCommand).toEqual({ BatchGetItemCommand: 1, UpdateItemCommand: 1 });
      requests.reset();
      h.clock.advance(4 * 60_000);
      await handler(restTokenEvent(`Bearer ${p}`));
      expect(requests.byCommand).toEqual({ BatchGetItemCommand: 1 });
      h.clock.advance(-4 * 60_000);
    });

    it('gives up within 2 seconds, with an ordinary error, on an unreachable store and on one that never answers', async () => {
      const silent = createServer(() => undefined); // accepts connections, never answers
      await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok));
      const endpoints = ['http://127.0.0.1:9', `http://127.0.0.1:${(silent.address() as AddressInfo).port}`];
      try {
        await Promise.all(
          endpoints.map(async (endpoint) => {
            const broken = createAuthorizerHandler({
              authenticator: createAuthenticator({ verifier: h.runtime.verifier, store: createDynamoStore(createDynamoClient({ tableName: 'x', endpoint }), 'x'), clock: h.clock }),
              config: { routeRoles: {}, decisionCacheSeconds: 5 },
            });
            const started = performance.now();
            const err = await broken(restTokenEvent(`Bearer ${pat}`)).then(() => undefined, (e: unknown) => e);
            const elapsed = performance.now() - started;
            expect((err as Error).message, endpoint).toBe('the authorizer could not decide; try again');
            expect(elapsed, endpoint).toBeLessThan(2_000);
          }),
        );
      } finally {
        silent.closeAllConnections?.();
        await new Promise((ok) => silent.close(ok));
      }
    });

    it('fails with an ordinary error, never an Allow nor a 401, when the store cannot answer, and logs without the token', async () => {
      const { logger, lines } = memoryLogger();
      const down = await createHarness({ signer: h.signer });
      const broken = createAuthorizerHandler({
        authenticator: createAuthenticator({
          verifier: down.runtime.verifier,
          // Nothing listens on the discard port: every request is refused.
          store: createDynamoStore(createDynamoClient({ tableName: 'x', endpoint: 'http://127.0.0.1:9' }), 'x'),
          clock: down.clock,
        }),
        config: { routeRoles: {}, decisionCacheSeconds: 5 },
        logger,
      });
      const u = await down.user();
      const token = await down.pat(await down.login(u.email, u.password), 'ok');
      for (const event of [restTokenEvent(`Bearer ${token}`), restRequestEvent(bearer(token)), httpV1Event(bearer(token)), httpV2Event(bearer(token))]) {
        const outcome = await broken(event).then((r) => ({ resolved: r }), (e: unknown) => ({ rejected: e as Error }));
        expect(outcome).toHaveProperty('rejected');
        expect((outcome as { rejected: Error }).rejected.message).not.toBe('Unauthorized');
      }
      expect(lines.join('\n')).toContain('token store unavailable');
      expect(lines.join('\n')).not.toContain(token.split('.')[2]!);
      expect(lines.join('\n')).not.toContain(token.split('.')[1]!);
    });
  });
});
