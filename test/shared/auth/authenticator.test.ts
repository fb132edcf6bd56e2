import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors.js';
import { createTokenMinter } from '../../../shared/tokens/token-signer.js';
import { bearerToken } from '../../../shared/auth/authenticator.js';
import { createHarness } from '../../support/harness.js';

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(isAppError(err, 'unauthorized'), `expected unauthorized, got ${String(err)}`).toBe(true);
  return (err as Error).message;
}

describe('authenticator', () => {
  it('returns the token record and the user with current roles', async () => {
    const h = await createHarness();
    const u = await h.user(undefined, ['ops']);
    const session = await h.login(u.email, u.password);
    const p = await h.runtime.authenticator.authenticate(session);
    expect(p.user.roles).toEqual(['ops']);
    expect(p.token).toMatchObject({ userId: u.id, kind: 'session' });
    await h.store.updateUser(u.id, { roles: ['ops', 'auditor'] }, h.clock.now());
    expect((await h.runtime.authenticator.authenticate(session)).user.roles).toEqual(['ops', 'auditor']);
  });

  it('refuses a token whose record was revoked', async () => {
    const h = await createHarness();
    const u = await h.user();
    const session = await h.login(u.email, u.password);
    await h.store.deleteToken(u.id, decodeJwt(session).jti!);
    expect(await refusal(h.runtime.authenticator.authenticate(session))).toMatch(/revoked/);
  });

  it('refuses a record past its expiry even though the store has not deleted it', async () => {
    const h = await createHarness({ env: { PATGATE_CLOCK_SKEW_SECONDS: '0' } });
    const u = await h.user();
    const session = await h.login(u.email, u.password);
    const pat = await h.pat(session, 'short', 60);
    // Put the record's expiry in the past while the JWT itself is still valid.
    const jti = decodeJwt(pat).jti!;
    const record = (await h.store.listTokens(u.id)).find((t) => t.id === jti)!;
    await h.store.deleteToken(u.id, jti);
    await h.store.putToken({ ...record, expiresAt: h.clock.now() - 1 });
    expect(await h.store.getTokenAndUser(u.id, jti)).toHaveProperty('token');
    await refusal(h.runtime.authenticator.authenticate(pat));
  });

  it('refuses a PAT whose user was disabled, and accepts it again once enabled', async () => {
    const h = await createHarness();
    const u = await h.user();
    const pat = await h.pat(await h.login(u.email, u.password), 'ci');
    await h.store.updateUser(u.id, { status: 'disabled' }, h.clock.now());
    expect(await refusal(h.runtime.authenticator.authenticate(pat))).toMatch(/disabled/);
    await h.store.updateUser(u.id, { status: 'active' }, h.clock.now());
    await expect(h.runtime.authenticator.authenticate(pat)).resolves.toBeTruthy();
  });

  it('refuses a PAT whose user was deleted', async () => {
    const h = await createHarness();
    const u = await h.user();
    const pat = await h.pat(await h.login(u.email, u.password), 'ci');
    await h.store.deleteUser(u.id);
    await refusal(h.runtime.authenticator.authenticate(pat));
    expect(await h.store.listTokens(u.id)).toEqual([]);
  });

  it('refuses a token whose kind differs from its record (a PAT id in a session token)', async () => {
    const h = await createHarness();
    const u = await h.user();
    const pat = await h.pat(await h.login(u.email, u.password), 'ci');
    const { jti, iat, exp } = decodeJwt(pat);
    const minter = createTokenMinter({ signer: h.signer, issuer: 'patgate' });
    const posing = await minter.mint({ sub: u.id, jti: jti!, kind: 'session', iat: iat!, exp: exp! });
    await refusal(h.runtime.authenticator.authenticate(posing));
  });

  it('refuses a token minted for another user id than its record', async () => {
    const h = await createHarness();
    const a = await h.user();
    const b = await h.user();
    const pat = await h.pat(await h.login(a.email, a.password), 'ci');
    const { jti, iat, exp } = decodeJwt(pat);
    const minter = createTokenMinter({ signer: h.signer, issuer: 'patgate' });
    await refusal(h.runtime.authenticator.authenticate(await minter.mint({ sub: b.id, jti: jti!, kind: 'pat', iat: iat!, exp: exp! })));
  });

  it('fails with unavailable, not unauthorized, when the store cannot answer', async () => {
    const { createDynamoClient, createDynamoStore } = await import('../../../shared/store/dynamo-store.js');
    const { createAuthenticator } = await import('../../../shared/auth/authenticator.js');
    const h = await createHarness();
    const u = await h.user();
    const session = await h.login(u.email, u.password);
    const dead = createDynamoStore(createDynamoClient({ tableName: h.tableName, endpoint: 'http://127.0.0.1:9' }), h.tableName);
    const auth = createAuthenticator({ verifier: h.runtime.verifier, store: dead, clock: h.clock });
    const err = await auth.authenticate(session).then(() => undefined, (e: unknown) => e);
    expect(isAppError(err, 'unavailable')).toBe(true);
  });
});

describe('bearerToken', () => {
  it('takes the token from "Bearer <jwt>", scheme case-insensitive', () => {
    expect(bearerToken('Bearer a.b.c')).toBe('a.b.c');
    expect(bearerToken('bearer a.b.c')).toBe('a.b.c');
    expect(bearerToken('BEARER a.b.c')).toBe('a.b.c');
  });

  it('rejects anything else', () => {
    for (const h of [undefined, '', 'Bearer', 'Bearer ', 'Basic abc', 'a.b.c', 'Bearer a.b.c d.e.f', 'Bearer a.b.c,Bearer d.e.f', 'Token a.b.c']) {
      expect(bearerToken(h)).toBeUndefined();
    }
  });
});

describe('authenticator last_used bookkeeping', () => {
  it('accepts the PAT and reports the failure when the last_used write fails', async () => {
    const { createAuthenticator } = await import('../../../shared/auth/authenticator.js');
    const h = await createHarness();
    const u = await h.user();
    const pat = await h.pat(await h.login(u.email, u.password), 'ci');
    const failures: unknown[] = [];
    const store = { ...h.store, touchToken: async () => { throw new Error('write refused'); } };
    const auth = createAuthenticator({ verifier: h.runtime.verifier, store, clock: h.clock, onTouchError: (err) => failures.push(err) });
    await expect(auth.authenticate(pat)).resolves.toMatchObject({ user: { id: u.id } });
    expect(failures).toHaveLength(1);
  });
});
