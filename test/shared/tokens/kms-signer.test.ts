import { createHash, createPublicKey, verify as nodeVerify, randomUUID } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import { calculateJwkThumbprint, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors.js';
import { createKmsClient, createKmsSigner, fetchKmsPublicKey, loadKmsKeys } from '../../../shared/tokens/kms-signer.js';
import { createTokenMinter } from '../../../shared/tokens/token-signer.js';
import { createTokenVerifier } from '../../../shared/tokens/token-verifier.js';
import { TOKEN_TYP } from '../../../shared/tokens/claims.js';
import { fakeKmsCredentials, startFakeKms, type FakeKms } from '../../support/fake-kms.js';
import { createHarness, testClock } from '../../support/harness.js';

let kms: FakeKms;
let client: KMSClient;

beforeAll(async () => {
  kms = await startFakeKms();
  client = createKmsClient({ region: kms.region, endpoint: kms.endpoint, clientConfig: { credentials: fakeKmsCredentials } });
});
afterAll(() => kms.close());

const callsFor = (keyArn: string) => kms.calls.filter((c) => c.keyId === keyArn);
const spec = (now: number) => ({ sub: randomUUID(), jti: randomUUID(), kind: 'pat' as const, iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 3600 });

describe('the KMS stand-in', () => {
  it('signs a digest and a raw message the way KMS does: DER ECDSA that node:crypto verifies', async () => {
    const key = kms.createKey();
    const message = Buffer.from('header.payload');
    const digest = createHash('sha256').update(message).digest();
    for (const [MessageType, Message] of [['DIGEST', digest], ['RAW', message]] as const) {
      const out = await client.send(new SignCommand({ KeyId: key.arn, Message, MessageType, SigningAlgorithm: 'ECDSA_SHA_256' }));
      expect(out.Signature![0]).toBe(0x30);
      expect(nodeVerify('sha256', message, { key: key.publicKey, dsaEncoding: 'der' }, out.Signature!)).toBe(true);
    }
  });

  it('answers GetPublicKey with DER SubjectPublicKeyInfo and the key spec', async () => {
    const key = kms.createKey();
    const out = await client.send(new GetPublicKeyCommand({ KeyId: key.keyId }));
    expect(out).toMatchObject({ KeyId: key.arn, KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', SigningAlgorithms: ['ECDSA_SHA_256'] });
    expect(createPublicKey({ key: Buffer.from(out.PublicKey!), format: 'der', type: 'spki' }).equals(key.publicKey)).toBe(true);
  });

  it('refuses a digest of the wrong length and an unknown key, as KMS does', async () => {
    const key = kms.createKey();
    await expect(client.send(new SignCommand({ KeyId: key.arn, Message: new Uint8Array(31), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(client.send(new GetPublicKeyCommand({ KeyId: randomUUID() }))).rejects.toMatchObject({ name: 'NotFoundException' });
  });
});

describe('KMS signer', () => {
  it('mints a token that jose and the project verifier accept with the key from GetPublicKey', async () => {
    const key = kms.createKey();
    const { signer, publicKeys } = await loadKmsKeys(client, { signingKeyId: key.arn, verifyKeyIds: [key.arn] }, { sign: true });
    const now = Date.now();
    const token = await createTokenMinter({ signer: signer!, issuer: 'patgate-test' }).mint(spec(now));

    const header = decodeProtectedHeader(token);
    expect(header).toEqual({ alg: 'ES256', kid: signer!.kid, typ: TOKEN_TYP });
    // Plain jose, with the JWK exactly as published in the JWKS.
    const { payload } = await jwtVerify(token, await importJWK(publicKeys[0]!, 'ES256'), { algorithms: ['ES256'], issuer: 'patgate-test', typ: TOKEN_TYP });
    expect(payload.kind).toBe('pat');
    // And node:crypto with the key the stand-in holds, independent of KMS's answer.
    const [h, p, s] = token.split('.');
    expect(nodeVerify('sha256', Buffer.from(`${h}.${p}`), { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(s!, 'base64url'))).toBe(true);

    const verifier = await createTokenVerifier({ keys: publicKeys, issuer: 'patgate-test', clockSkewSeconds: 30, clock: testClock(now) });
    await expect(verifier.verify(token)).resolves.toMatchObject({ kind: 'pat' });
  });

  it('signs the SHA-256 digest with ECDSA_SHA_256, one Sign call per token', async () => {
    const key = kms.createKey();
    const jwk = await fetchKmsPublicKey(client, key.arn);
    const minter = createTokenMinter({ signer: createKmsSigner(client, key.arn, jwk), issuer: 'patgate' });
    await minter.mint(spec(Date.now()));
    await minter.mint(spec(Date.now()));
    expect(callsFor(key.arn)).toEqual([
      { operation: 'GetPublicKey', keyId: key.arn },
      { operation: 'Sign', keyId: key.arn, messageType: 'DIGEST', signingAlgorithm: 'ECDSA_SHA_256' },
      { operation: 'Sign', keyId: key.arn, messageType: 'DIGEST', signingAlgorithm: 'ECDSA_SHA_256' },
    ]);
  });

  it('derives the kid from the public key (RFC 7638 thumbprint)', async () => {
    const key = kms.createKey();
    const jwk = await fetchKmsPublicKey(client, key.arn);
    const nodeJwk = key.publicKey.export({ format: 'jwk' });
    expect(jwk.kid).toBe(await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: nodeJwk.x!, y: nodeJwk.y! }, 'sha256'));
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', x: nodeJwk.x, y: nodeJwk.y });
    expect(jwk).not.toHaveProperty('d');
  });

  it('refuses a key that is not a P-256 signing key, naming the key', async () => {
    const p384 = kms.createKey({ keySpec: 'ECC_NIST_P384' });
    await expect(fetchKmsPublicKey(client, p384.arn)).rejects.toThrow(`KMS key ${p384.arn} is ECC_NIST_P384/SIGN_VERIFY: patgate needs an ECC_NIST_P256 SIGN_VERIFY key`);
    const rsa = kms.createKey({ keySpec: 'RSA_2048', keyUsage: 'ENCRYPT_DECRYPT' });
    await expect(fetchKmsPublicKey(client, rsa.arn)).rejects.toThrow('patgate needs an ECC_NIST_P256 SIGN_VERIFY key');
  });

  it('makes a KMS failure at signing an "unavailable" error, never a token', async () => {
    const key = kms.createKey();
    const signer = createKmsSigner(client, key.arn, await fetchKmsPublicKey(client, key.arn));
    key.enabled = false;
    const err = await signer.sign(new TextEncoder().encode('a.b')).catch((e: unknown) => e);
    expect(isAppError(err, 'unavailable')).toBe(true);
  });

  it('fetches each public key once at load and calls KMS on no verification', async () => {
    const key = kms.createKey();
    const { publicKeys } = await loadKmsKeys(client, { signingKeyId: key.arn, verifyKeyIds: [key.arn] }, { sign: false });
    const signer = createKmsSigner(client, key.arn, publicKeys[0]!);
    const token = await createTokenMinter({ signer, issuer: 'patgate' }).mint(spec(Date.now()));
    const verifier = await createTokenVerifier({ keys: publicKeys, issuer: 'patgate', clockSkewSeconds: 30, clock: testClock() });
    for (let i = 0; i < 5; i++) await verifier.verify(token);
    expect(callsFor(key.arn).map((c) => c.operation)).toEqual(['GetPublicKey', 'Sign']);
  });
});

describe('KMS key rotation', () => {
  it('keeps old tokens valid while new ones are signed with the new key', async () => {
    const oldKey = kms.createKey();
    const newKey = kms.createKey();
    const now = Date.now();
    const verifierFor = async (keys: Awaited<ReturnType<typeof loadKmsKeys>>) =>
      createTokenVerifier({ keys: keys.publicKeys, issuer: 'patgate', clockSkewSeconds: 30, clock: testClock(now) });

    // Before: one key.
    const before = await loadKmsKeys(client, { signingKeyId: oldKey.arn, verifyKeyIds: [oldKey.arn] }, { sign: true });
    const oldToken = await createTokenMinter({ signer: before.signer!, issuer: 'patgate' }).mint(spec(now));

    // During: PATGATE_KMS_KEY_ID=new, PATGATE_KMS_VERIFY_KEY_IDS=old.
    const during = await loadKmsKeys(client, { signingKeyId: newKey.arn, verifyKeyIds: [newKey.arn, oldKey.arn] }, { sign: true });
    expect(during.publicKeys.map((k) => k.kid)).toEqual([during.signer!.kid, before.signer!.kid]);
    const newToken = await createTokenMinter({ signer: during.signer!, issuer: 'patgate' }).mint(spec(now));
    expect(decodeProtectedHeader(newToken).kid).toBe(during.signer!.kid);
    expect(decodeProtectedHeader(newToken).kid).not.toBe(decodeProtectedHeader(oldToken).kid);
    const duringVerifier = await verifierFor(during);
    await expect(duringVerifier.verify(oldToken)).resolves.toBeDefined();
    await expect(duringVerifier.verify(newToken)).resolves.toBeDefined();

    // After: the old key is dropped from the trusted set; its tokens stop working.
    const afterVerifier = await verifierFor(await loadKmsKeys(client, { signingKeyId: newKey.arn, verifyKeyIds: [newKey.arn] }, { sign: false }));
    await expect(afterVerifier.verify(newToken)).resolves.toBeDefined();
    await expect(afterVerifier.verify(oldToken)).rejects.toMatchObject({ code: 'unauthorized' });
  });
});

describe('management API with a KMS signer', () => {
  it('logs in, mints a PAT and accepts it; answers 503 while KMS refuses to sign', async () => {
    const key = kms.createKey();
    const jwk = await fetchKmsPublicKey(client, key.arn);
    const h = await createHarness({ signer: createKmsSigner(client, key.arn, jwk) });
    const u = await h.user();
    const session = await h.login(u.email, u.password);
    const pat = await h.pat(session);
    expect((await h.request('/users/me', { headers: h.bearer(pat) })).status).toBe(200);
    const jwks = (await (await h.app.request('http://localhost/.well-known/jwks.json')).json()) as { keys: unknown[] };
    expect(jwks.keys).toEqual([jwk]);

    key.enabled = false;
    const res = await h.request('/auth/login', { method: 'POST', headers: { Authorization: h.basic(u.email, u.password) } });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'the signing service is unavailable; try again shortly' });
  });
});
