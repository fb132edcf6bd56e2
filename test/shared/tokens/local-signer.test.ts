import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateLocalSigner, loadKeyFile, loadOrCreateKeyFile } from '../../../shared/tokens/local-signer.js';
import { createTokenMinter } from '../../../shared/tokens/token-signer.js';

describe('local signer', () => {
  it('generates a P-256 key on first use, readable only by its owner, and reuses it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pg-key-'));
    const path = join(dir, 'data', 'signing-key.pem');
    const first = await loadOrCreateKeyFile(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, 'utf8')).toMatch(/BEGIN PRIVATE KEY/);
    const again = await loadOrCreateKeyFile(path);
    expect(again.kid).toBe(first.kid);
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to make a key for a process that only verifies', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pg-key-'));
    await expect(loadKeyFile(join(dir, 'missing.pem'))).rejects.toThrow(/no signing key at .*missing\.pem/);
    await expect(stat(join(dir, 'missing.pem'))).rejects.toThrow();
    await rm(dir, { recursive: true, force: true });
  });

  it('signs ES256 JWS that jose verifies with the published public key', async () => {
    const signer = await generateLocalSigner();
    const jwt = await createTokenMinter({ signer, issuer: 'patgate' }).mint({ sub: 'u', jti: 'j', kind: 'pat', iat: 1 });
    const { protectedHeader } = await compactVerify(jwt, await importJWK(signer.publicJwk, 'ES256'));
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: signer.kid, typ: 'at+jwt' });
  });

  it('derives the kid from the public key (RFC 7638 thumbprint)', async () => {
    const a = await generateLocalSigner();
    const b = await generateLocalSigner();
    expect(a.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.kid).not.toBe(b.kid);
  });
});
