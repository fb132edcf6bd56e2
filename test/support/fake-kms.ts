/**
 * A stand-in for AWS KMS at its API boundary, for the two operations patgate
 * uses. Nothing can run real KMS here, so this small HTTP server speaks KMS's
 * JSON 1.1 protocol (`X-Amz-Target: TrentService.Sign` / `.GetPublicKey`,
 * base64 blobs, `__type` errors) and answers as KMS does: `Sign` returns a DER
 * ECDSA signature over the digest it was given (or over SHA-256 of a RAW
 * message), `GetPublicKey` returns DER SubjectPublicKeyInfo. Keys are real
 * P-256 keys made with node:crypto at test time; the real
 * `@aws-sdk/client-kms` talks to it through `endpoint`.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One key held by the stand-in. */
export interface FakeKmsKey {
  readonly keyId: string;
  readonly arn: string;
  readonly keySpec: 'ECC_NIST_P256' | 'ECC_NIST_P384' | 'RSA_2048';
  readonly keyUsage: 'SIGN_VERIFY' | 'ENCRYPT_DECRYPT';
  /** The public key, to check signatures independently. */
  readonly publicKey: KeyObject;
  enabled: boolean;
}

/** A running stand-in. */
export interface FakeKms {
  readonly endpoint: string;
  readonly region: string;
  /** Like `CreateKey`; P-256 SIGN_VERIFY unless told otherwise. */
  createKey(opts?: { keySpec?: FakeKmsKey['keySpec']; keyUsage?: FakeKmsKey['keyUsage'] }): FakeKmsKey;
  /** Every call received: the operation and its non-blob parameters as sent. */
  readonly calls: Array<{ operation: string; keyId: string; messageType?: string; signingAlgorithm?: string }>;
  close(): Promise<void>;
}

/** Credentials for clients of the stand-in (never real ones). */
export const fakeKmsCredentials = { accessKeyId: 'AKIDFAKEKMS', secretAccessKey: 'fake-kms-secret' };

// --- P-256 ECDSA over a given digest -------------------------------------
// node:crypto always hashes what it signs, and KMS's DIGEST mode signs the
// digest as is, so the stand-in does the ECDSA arithmetic itself (FIPS 186-4,
// Jacobian coordinates). Tests check its output with node:crypto's verify.
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const G = { x: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n, y: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n };
type Jacobian = { x: bigint; y: bigint; z: bigint } | null;

const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;
function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}
const inverse = (a: bigint, m: bigint) => modPow(a, m - 2n, m);

function double(p: Jacobian): Jacobian {
  if (!p || p.y === 0n) return null;
  // dbl-2001-b for a = -3.
  const delta = (p.z * p.z) % P;
  const gamma = (p.y * p.y) % P;
  const beta = (p.x * gamma) % P;
  const alpha = mod(3n * (p.x - delta) * (p.x + delta), P);
  const x = mod(alpha * alpha - 8n * beta, P);
  const z = mod((p.y + p.z) ** 2n - gamma - delta, P);
  const y = mod(alpha * (4n * beta - x) - 8n * gamma * gamma, P);
  return { x, y, z };
}

function add(p: Jacobian, q: Jacobian): Jacobian {
  if (!p) return q;
  if (!q) return p;
  const z1z1 = (p.z * p.z) % P;
  const z2z2 = (q.z * q.z) % P;
  const u1 = (p.x * z2z2) % P;
  const u2 = (q.x * z1z1) % P;
  const s1 = (p.y * q.z * z2z2) % P;
  const s2 = (q.y * p.z * z1z1) % P;
  const h = mod(u2 - u1, P);
  const r = mod(s2 - s1, P);
  if (h === 0n) return r === 0n ? double(p) : null;
  const hh = (h * h) % P;
  const hhh = (h * hh) % P;
  const v = (u1 * hh) % P;
  const x = mod(r * r - hhh - 2n * v, P);
  const y = mod(r * (v - x) - s1 * hhh, P);
  return { x, y, z: (p.z * q.z * h) % P };
}

function multiplyG(k: bigint): { x: bigint; y: bigint } {
  let result: Jacobian = null;
  let addend: Jacobian = { ...G, z: 1n };
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) result = add(result, addend);
    addend = double(addend);
  }
  if (!result) throw new Error('point at infinity');
  const zi = inverse(result.z, P);
  return { x: (result.x * zi * zi) % P, y: (result.y * zi * zi * zi) % P };
}

const toBigInt = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);

function derInteger(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

/** ECDSA P-256 over `digest` (32 bytes), DER-encoded, as KMS returns it. */
function signDigest(d: bigint, digest: Uint8Array): Buffer {
  const z = toBigInt(digest);
  for (;;) {
    const k = mod(toBigInt(randomBytes(40)), N - 1n) + 1n;
    const r = multiplyG(k).x % N;
    if (r === 0n) continue;
    const s = (inverse(k, N) * (z + r * d)) % N;
    if (s === 0n) continue;
    const body = Buffer.concat([derInteger(r), derInteger(s)]);
    return Buffer.concat([Buffer.from([0x30, body.length]), body]);
  }
}

// --- the JSON 1.1 service ------------------------------------------------

class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

interface HeldKey extends FakeKmsKey {
  readonly d?: bigint;
}

const SPECS = {
  ECC_NIST_P256: { gen: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }), algorithms: ['ECDSA_SHA_256'] },
  ECC_NIST_P384: { gen: () => generateKeyPairSync('ec', { namedCurve: 'P-384' }), algorithms: ['ECDSA_SHA_384'] },
  RSA_2048: { gen: () => generateKeyPairSync('rsa', { modulusLength: 2048 }), algorithms: ['RSASSA_PKCS1_V1_5_SHA_256'] },
} as const;

/** Starts the stand-in on a free local port. */
export async function startFakeKms(region = 'eu-west-1'): Promise<FakeKms> {
  const account = '111122223333';
  const keys = new Map<string, HeldKey>();
  const calls: FakeKms['calls'] = [];

  const find = (keyId: unknown): HeldKey => {
    if (typeof keyId !== 'string' || keyId === '') throw new KmsError('ValidationException', '1 validation error detected: Value null at \'keyId\' failed to satisfy constraint: Member must not be null');
    const id = keyId.startsWith('arn:') ? keyId.split('/').pop()! : keyId;
    const key = keys.get(id);
    if (!key || (keyId.startsWith('arn:') && keyId !== key.arn)) throw new KmsError('NotFoundException', `Key '${keyId.startsWith('arn:') ? keyId : `arn:aws:kms:${region}:${account}:key/${keyId}`}' does not exist`);
    if (!key.enabled) throw new KmsError('DisabledException', `${key.arn} is disabled.`);
    return key;
  };

  const blob = (value: unknown, name: string): Buffer => {
    if (typeof value !== 'string') throw new KmsError('ValidationException', `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
    return Buffer.from(value, 'base64');
  };

  const operations: Record<string, (input: Record<string, unknown>) => Record<string, unknown>> = {
    GetPublicKey(input) {
      const key = find(input.KeyId);
      const spki = key.publicKey.export({ format: 'der', type: 'spki' });
      return {
        KeyId: key.arn,
        PublicKey: spki.toString('base64'),
        KeySpec: key.keySpec,
        CustomerMasterKeySpec: key.keySpec,
        KeyUsage: key.keyUsage,
        ...(key.keyUsage === 'SIGN_VERIFY' ? { SigningAlgorithms: [...SPECS[key.keySpec].algorithms] } : { EncryptionAlgorithms: ['RSAES_OAEP_SHA_256'] }),
      };
    },
    Sign(input) {
      const key = find(input.KeyId);
      const message = blob(input.Message, 'message');
      const messageType = input.MessageType ?? 'RAW';
      if (key.keyUsage !== 'SIGN_VERIFY') throw new KmsError('InvalidKeyUsageException', `${key.arn} key usage is ENCRYPT_DECRYPT which is not valid for Sign.`);
      if (!(SPECS[key.keySpec].algorithms as readonly unknown[]).includes(input.SigningAlgorithm)) {
        throw new KmsError('InvalidKeyUsageException', `Algorithm ${String(input.SigningAlgorithm)} is incompatible with key spec ${key.keySpec}.`);
      }
      if (messageType !== 'RAW' && messageType !== 'DIGEST') throw new KmsError('ValidationException', `Value '${String(messageType)}' at 'messageType' failed to satisfy constraint`);
      if (messageType === 'RAW' && message.length > 4096) throw new KmsError('ValidationException', 'Message is too long; use a digest for messages over 4096 bytes.');
      if (messageType === 'DIGEST' && message.length !== 32) throw new KmsError('ValidationException', `Digest is invalid length for algorithm ${String(input.SigningAlgorithm)}.`);
      const digest = messageType === 'DIGEST' ? message : createHash('sha256').update(message).digest();
      if (key.d === undefined) throw new Error('the stand-in signs with P-256 keys only');
      return { KeyId: key.arn, Signature: signDigest(key.d!, digest).toString('base64'), SigningAlgorithm: input.SigningAlgorithm };
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': randomUUID() });
      res.end(JSON.stringify(body));
    };
    try {
      const target = String(req.headers['x-amz-target'] ?? '');
      const [service, operation = ''] = target.split('.');
      if (req.method !== 'POST' || service !== 'TrentService' || !operations[operation]) throw new KmsError('UnknownOperationException', '');
      // Every real KMS call is SigV4-signed for the kms service.
      if (!/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/kms\/aws4_request/.test(String(req.headers.authorization ?? ''))) {
        throw new KmsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      }
      if (!String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1')) throw new KmsError('SerializationException', 'Start of structure or map found where not expected');
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      calls.push({
        operation,
        keyId: String(input.KeyId),
        ...(input.MessageType !== undefined ? { messageType: String(input.MessageType) } : {}),
        ...(input.SigningAlgorithm !== undefined ? { signingAlgorithm: String(input.SigningAlgorithm) } : {}),
      });
      reply(200, operations[operation]!(input));
    } catch (err) {
      if (err instanceof KmsError) reply(400, { __type: err.type, message: err.message });
      else reply(500, { __type: 'KMSInternalException', message: 'internal' });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    calls,
    createKey(opts = {}) {
      const keySpec = opts.keySpec ?? 'ECC_NIST_P256';
      const { privateKey, publicKey } = SPECS[keySpec].gen();
      const keyId = randomUUID();
      const jwk = privateKey.export({ format: 'jwk' });
      const key: HeldKey = {
        keyId,
        arn: `arn:aws:kms:${region}:${account}:key/${keyId}`,
        keySpec,
        keyUsage: opts.keyUsage ?? 'SIGN_VERIFY',
        publicKey,
        enabled: true,
        ...(keySpec === 'ECC_NIST_P256' ? { d: toBigInt(Buffer.from(jwk.d!, 'base64url')) } : {}),
      };
      keys.set(keyId, key);
      return key;
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
