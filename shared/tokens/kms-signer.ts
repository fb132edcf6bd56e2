/**
 * Signing with a KMS-held P-256 key: the private key never leaves KMS.
 * The only file that imports `@aws-sdk/client-kms`; `shared/wiring.ts` loads
 * it with a dynamic import, so the local path never evaluates the KMS client.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand, type KMSClientConfig } from '@aws-sdk/client-kms';
import { AppError } from '../errors.js';
import { derToJose } from './ecdsa-signature.js';
import { keyIdFor } from './key-id.js';
import type { PublicKeyJwk, Signer } from './signer.js';

/** A signer backed by a KMS key, with that key's public JWK. */
export interface KmsSigner extends Signer {
  /** The KMS key id, ARN or alias the signer signs with. */
  readonly keyId: string;
  readonly publicJwk: PublicKeyJwk;
}

/** Options for {@link createKmsClient}. */
export interface KmsClientOptions {
  /** Absent: the SDK's region chain decides. */
  region?: string;
  /** Another KMS endpoint (tests' stand-in); absent means AWS (or `AWS_ENDPOINT_URL_KMS`). */
  endpoint?: string;
  /** Extra client configuration (tests pass credentials). */
  clientConfig?: KMSClientConfig;
}

/**
 * Builds the KMS client with bounded retries and timeouts, so that a KMS
 * failure ends a login within about two seconds instead of hanging.
 */
export function createKmsClient(options: KmsClientOptions): KMSClient {
  return new KMSClient({
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 300, requestTimeout: 800 },
    ...options.clientConfig,
  });
}

/**
 * Fetches a key's public half with `GetPublicKey` and returns it as a JWK.
 * Refuses a key that is not `ECC_NIST_P256` / `SIGN_VERIFY` with a message
 * that names the key and what it is instead, so a wrong key id fails at
 * cold start rather than producing tokens nobody can verify.
 */
export async function fetchKmsPublicKey(client: KMSClient, keyId: string): Promise<PublicKeyJwk> {
  const out = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
  if (out.KeySpec !== 'ECC_NIST_P256' || out.KeyUsage !== 'SIGN_VERIFY') {
    throw new Error(`KMS key ${keyId} is ${out.KeySpec ?? 'of unknown spec'}/${out.KeyUsage ?? 'of unknown usage'}: patgate needs an ECC_NIST_P256 SIGN_VERIFY key`);
  }
  if (out.SigningAlgorithms && !out.SigningAlgorithms.includes('ECDSA_SHA_256')) {
    throw new Error(`KMS key ${keyId} does not offer ECDSA_SHA_256`);
  }
  if (!out.PublicKey) throw new Error(`KMS returned no public key for ${keyId}`);
  // KMS gives the public key as DER SubjectPublicKeyInfo; node reads that directly.
  const jwk = createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' }).export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new Error(`KMS key ${keyId} is not a P-256 key`);
  const kid = await keyIdFor(jwk);
  return Object.freeze({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' });
}

/**
 * Builds a {@link Signer} over a KMS key, given that key's public JWK (from
 * {@link fetchKmsPublicKey}, fetched once per cold start).
 *
 * It hashes the signing input here and asks KMS to sign the digest
 * (`MessageType: DIGEST`, `ECDSA_SHA_256`): the request carries 32 bytes
 * whatever the token's size, so KMS's 4096-byte limit on raw messages can
 * never be reached, and the token's claims never travel to KMS. The result
 * is the same ES256 signature KMS would make over the raw message. The IAM
 * policy pins both values (`kms:MessageType`, `kms:SigningAlgorithm`).
 */
export function createKmsSigner(client: KMSClient, keyId: string, publicJwk: PublicKeyJwk): KmsSigner {
  return Object.freeze({
    keyId,
    kid: publicJwk.kid,
    alg: 'ES256' as const,
    publicJwk,
    async sign(input: Uint8Array): Promise<Uint8Array> {
      const digest = createHash('sha256').update(input).digest();
      let signature: Uint8Array | undefined;
      try {
        const out = await client.send(new SignCommand({ KeyId: keyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }));
        signature = out.Signature;
      } catch (err) {
        throw new AppError('unavailable', 'the signing service is unavailable; try again shortly', {}, { cause: err });
      }
      if (!signature) throw new AppError('internal', `KMS returned no signature for ${keyId}`);
      try {
        return derToJose(signature);
      } catch (err) {
        throw new AppError('internal', `KMS returned a malformed signature for ${keyId}`, {}, { cause: err });
      }
    },
  });
}

/** What {@link loadKmsKeys} returns: the same shape as `loadKeys` in wiring. */
export interface KmsKeys {
  signer?: KmsSigner;
  publicKeys: PublicKeyJwk[];
}

/**
 * Loads every trusted key's public half (in parallel: one round trip per
 * cold start, whatever the number of keys) and, when asked, the signer for
 * the signing key. No KMS call happens per request except `Sign` at minting.
 */
export async function loadKmsKeys(
  client: KMSClient,
  keys: { signingKeyId: string; verifyKeyIds: readonly string[] },
  opts: { sign: boolean },
): Promise<KmsKeys> {
  const ids = [keys.signingKeyId, ...keys.verifyKeyIds.filter((id) => id !== keys.signingKeyId)];
  const jwks = await Promise.all(ids.map((id) => fetchKmsPublicKey(client, id)));
  // Two ids naming one key (an ARN and its alias) give one JWK.
  const publicKeys = [...new Map(jwks.map((jwk) => [jwk.kid, jwk])).values()];
  return { ...(opts.sign ? { signer: createKmsSigner(client, keys.signingKeyId, jwks[0]!) } : {}), publicKeys };
}
