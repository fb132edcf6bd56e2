import { createHmac, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { base64url, SignJWT, importJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors.js';
import { generateLocalSigner, type LocalSigner } from '../../../shared/tokens/local-signer.js';
import { createTokenMinter } from '../../../shared/tokens/token-signer.js';
import { createTokenVerifier, type TokenVerifier } from '../../../shared/tokens/token-verifier.js';
import { testClock } from '../../support/harness.js';

const enc = (v: unknown) => base64url.encode(JSON.stringify(v));
const now = Math.floor(Date.now() / 1000);
const claims = { iss: 'patgate', sub: 'u1', jti: 't1', iat: now, nbf: now, exp: now + 3600, kind: 'pat' };

async function refused(verifier: TokenVerifier, token: string, kinds?: Parameters<TokenVerifier['verify']>[1]) {
  const err = await verifier.verify(token, kinds).then(() => undefined, (e: unknown) => e);
  expect(isAppError(err, 'unauthorized'), `expected unauthorized, got ${String(err)}`).toBe(true);
}

describe('token verifier', () => {
  let signer: LocalSigner;
  let verifier: TokenVerifier;
  const clock = testClock(now * 1000);
  /** Signs arbitrary header and claims with the real key. */
  const signRaw = async (header: object, payload: object) => {
    const input = `${enc(header)}.${enc(payload)}`;
    return `${input}.${base64url.encode(await signer.sign(new TextEncoder().encode(input)))}`;
  };
  const header = () => ({ alg: 'ES256', kid: signer.kid, typ: 'at+jwt' });

  beforeAll(async () => {
    signer = await generateLocalSigner();
    verifier = await createTokenVerifier({ keys: [signer.publicJwk], issuer: 'patgate', clockSkewSeconds: 30, clock });
  });

  it('accepts a token minted by the token minter', async () => {
    const token = await createTokenMinter({ signer, issuer: 'patgate' }).mint({ sub: 'u1', jti: 't1', kind: 'session', iat: now, exp: now + 60 });
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'u1', jti: 't1', kind: 'session', exp: now + 60 });
  });

  it('accepts a non-expiring token (no exp claim)', async () => {
    const token = await createTokenMinter({ signer, issuer: 'patgate' }).mint({ sub: 'u1', jti: 't1', kind: 'pat', iat: now });
    const verified = await verifier.verify(token);
    expect(verified.exp).toBeUndefined();
  });

  it('refuses alg none', async () => {
    await refused(verifier, `${enc({ alg: 'none', kid: signer.kid, typ: 'at+jwt' })}.${enc(claims)}.`);
  });

  it('refuses HS256 signed with the public key (algorithm confusion)', async () => {
    const pem = createPublicKey({ key: { ...signer.publicJwk }, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const input = `${enc({ alg: 'HS256', kid: signer.kid, typ: 'at+jwt' })}.${enc(claims)}`;
    const mac = createHmac('sha256', pem).update(input).digest('base64url');
    await refused(verifier, `${input}.${mac}`);
  });

  it('refuses a token signed by another P-256 key under the same kid (forged)', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const forged = await new SignJWT(claims).setProtectedHeader(header()).sign(other);
    await refused(verifier, forged);
  });

  it('refuses an unknown kid and a missing kid', async () => {
    await refused(verifier, await signRaw({ ...header(), kid: 'nope' }, claims));
    await refused(verifier, await signRaw({ alg: 'ES256', typ: 'at+jwt' }, claims));
  });

  it('refuses a tampered payload or signature', async () => {
    const good = await signRaw(header(), claims);
    const [h, , s] = good.split('.');
    await refused(verifier, `${h}.${enc({ ...claims, sub: 'admin' })}.${s}`);
    const sig = Buffer.from(s!, 'base64url');
    sig[10] = sig[10]! ^ 1;
    await refused(verifier, `${h}.${good.split('.')[1]}.${sig.toString('base64url')}`);
  });

  it('refuses expired and not-yet-valid tokens beyond the clock skew', async () => {
    await refused(verifier, await signRaw(header(), { ...claims, exp: now - 31 }));
    await refused(verifier, await signRaw(header(), { ...claims, nbf: now + 31 }));
  });

  it('tolerates 30 seconds of clock skew', async () => {
    await expect(verifier.verify(await signRaw(header(), { ...claims, exp: now - 20 }))).resolves.toBeTruthy();
    await expect(verifier.verify(await signRaw(header(), { ...claims, nbf: now + 20 }))).resolves.toBeTruthy();
  });

  it('refuses a wrong issuer, a wrong typ and a missing kind', async () => {
    await refused(verifier, await signRaw(header(), { ...claims, iss: 'evil' }));
    await refused(verifier, await signRaw({ ...header(), typ: 'JWT' }, claims));
    const { kind: _kind, ...noKind } = claims;
    await refused(verifier, await signRaw(header(), noKind));
    await refused(verifier, await signRaw(header(), { ...claims, kind: 'admin' }));
  });

  it('refuses missing sub, jti or iat', async () => {
    for (const drop of ['sub', 'jti', 'iat', 'nbf']) {
      const partial: Record<string, unknown> = { ...claims };
      delete partial[drop];
      await refused(verifier, await signRaw(header(), partial));
    }
  });

  it('refuses a PAT where only sessions are accepted, and the reverse', async () => {
    await refused(verifier, await signRaw(header(), claims), ['session']);
    await refused(verifier, await signRaw(header(), { ...claims, kind: 'session' }), ['pat']);
  });

  it('refuses garbage, an empty string and an oversized token', async () => {
    await refused(verifier, 'garbage');
    await refused(verifier, '');
    await refused(verifier, 'a.b.c');
    await refused(verifier, 'x'.repeat(100 * 1024));
  });

  it('refuses to build with a key that is not ES256', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'r', alg: 'RS256', use: 'sig' };
    await expect(createTokenVerifier({ keys: [jwk as never], issuer: 'patgate', clockSkewSeconds: 0, clock })).rejects.toThrow(/not an ES256 key/);
    expect(await importJWK(signer.publicJwk, 'ES256')).toBeTruthy();
  });
});
