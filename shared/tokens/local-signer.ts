import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PublicKeyJwk, Signer } from './signer.js';
import { keyIdFor } from './key-id.js';

/** A signer that holds a P-256 private key in memory, plus its public JWK. */
export interface LocalSigner extends Signer {
  readonly publicJwk: PublicKeyJwk;
}

/** Builds a signer from a PKCS#8 PEM or a node KeyObject holding a P-256 private key. */
export async function createLocalSigner(privateKey: KeyObject | string): Promise<LocalSigner> {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('the signing key must be an EC P-256 private key');
  }
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  const kid = await keyIdFor(jwk);
  const publicJwk: PublicKeyJwk = Object.freeze({ kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y!, kid, alg: 'ES256', use: 'sig' });
  return Object.freeze({
    kid,
    alg: 'ES256' as const,
    publicJwk,
    // ieee-p1363 gives JOSE's raw r||s directly; no DER conversion needed.
    sign: async (input: Uint8Array) => new Uint8Array(nodeSign('sha256', input, { key, dsaEncoding: 'ieee-p1363' })),
  });
}

/** Generates a fresh P-256 signer (tests, first local start). */
export async function generateLocalSigner(): Promise<LocalSigner> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return createLocalSigner(privateKey);
}

/**
 * Loads an existing key file, for a process that only verifies (the
 * authorizer): it must never make a key of its own.
 */
export async function loadKeyFile(path: string): Promise<LocalSigner> {
  try {
    return await createLocalSigner(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`no signing key at ${path}: start the management API (npm start) first, or set PATGATE_SIGNING_KEY_FILE`);
    }
    throw err;
  }
}

/**
 * Loads the signing key from `path`, or generates one there on first use.
 * The file is written with mode 0600 so only its owner can read it.
 */
export async function loadOrCreateKeyFile(path: string): Promise<LocalSigner> {
  try {
    return await createLocalSigner(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // 'wx' fails if another process created the file meanwhile: never overwrite a key.
  try {
    await writeFile(path, pem, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return createLocalSigner(await readFile(path, 'utf8'));
    throw err;
  }
  await chmod(path, 0o600);
  return createLocalSigner(privateKey);
}
