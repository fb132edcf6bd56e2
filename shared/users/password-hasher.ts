import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost parameters, stored with every hash so they can be raised later. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * The parameters new hashes use: N=2^15, r=8, p=1 (32 MiB, about 60-100 ms on
 * one Lambda vCPU; about 100-110 ms measured on the 2-core dev machine),
 * OWASP's scrypt recommendation, with a 16-byte random salt and a 32-byte key.
 * Every hash records its parameters; a hash made with others is re-made
 * with these on the user's next successful login (login-service.ts).
 */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** Hashes and checks passwords. Format: `scrypt$N$r$p$salt$hash` (base64url). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Constant-time check; a malformed stored hash never matches. */
  verify(password: string, stored: string): Promise<boolean>;
  /** Spends the same time as a `verify` that fails, for unknown accounts. */
  verifyDummy(password: string): Promise<false>;
  /** True when `stored` was made with other parameters than the current ones. */
  needsRehash(stored: string): boolean;
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; hash: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) || N > 2 ** 20 || r > 32 || p > 16) return undefined;
  return { params: { N, r, p }, salt: Buffer.from(parts[4]!, 'base64url'), hash: Buffer.from(parts[5]!, 'base64url') };
}

/** Builds a hasher; tests pass cheaper parameters to stay fast. */
export function createPasswordHasher(params: ScryptParams = DEFAULT_SCRYPT_PARAMS): PasswordHasher {
  const encode = (salt: Buffer, key: Buffer, p: ScryptParams) => `scrypt$${p.N}$${p.r}$${p.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  const dummySalt = randomBytes(SALT_LENGTH);
  let dummy: Promise<string> | undefined;
  const hasher: PasswordHasher = {
    async hash(password) {
      const salt = randomBytes(SALT_LENGTH);
      return encode(salt, await scrypt(password, salt, params), params);
    },
    async verify(password, stored) {
      const parsed = parse(stored);
      if (!parsed) return false;
      const key = await scrypt(password, parsed.salt, parsed.params);
      return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
    },
    async verifyDummy(password) {
      dummy ??= scrypt('not a password', dummySalt, params).then((k) => encode(dummySalt, k, params));
      await hasher.verify(password, await dummy);
      return false;
    },
    needsRehash(stored) {
      const parsed = parse(stored);
      return !parsed || parsed.params.N !== params.N || parsed.params.r !== params.r || parsed.params.p !== params.p;
    },
  };
  return Object.freeze(hasher);
}
