import { errors, importJWK, jwtVerify, type CryptoKey, type JWTHeaderParameters } from 'jose';
import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { PublicKeyJwk } from './signer.js';
import { KIND_CLAIM, MAX_TOKEN_LENGTH, TOKEN_KINDS, TOKEN_TYP, type TokenKind, type VerifiedToken } from './claims.js';

/** What a verifier needs; keys are imported once, when it is built. */
export interface TokenVerifierDeps {
  /** Every key whose tokens are accepted (current and previous, for rotation). */
  keys: readonly PublicKeyJwk[];
  issuer: string;
  /** Allowed clock difference for `exp`, `nbf` and `iat`, in seconds. */
  clockSkewSeconds: number;
  clock: Clock;
}

/** Verifies patgate tokens. */
export interface TokenVerifier {
  /**
   * Checks signature (ES256 only, known `kid`), `typ`, `iss`, `exp`, `nbf`
   * and the kind. Throws {@link AppError} `unauthorized` on any failure.
   */
  verify(token: string, kinds?: readonly TokenKind[]): Promise<VerifiedToken>;
}

const invalid = (message = 'the token is not valid: log in again or use another token') =>
  new AppError('unauthorized', message, { credentialsPresent: true });

/** Builds a {@link TokenVerifier}; call once per process and reuse it. */
export async function createTokenVerifier(deps: TokenVerifierDeps): Promise<TokenVerifier> {
  const keys = new Map<string, CryptoKey>();
  for (const jwk of deps.keys) {
    if (jwk.alg !== 'ES256' || jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new Error(`key ${jwk.kid} is not an ES256 key`);
    keys.set(jwk.kid, (await importJWK(jwk, 'ES256')) as CryptoKey);
  }
  const resolveKey = (header: JWTHeaderParameters): CryptoKey => {
    const key = header.kid === undefined ? undefined : keys.get(header.kid);
    if (!key) throw invalid();
    return key;
  };
  return Object.freeze({
    async verify(token: string, kinds: readonly TokenKind[] = TOKEN_KINDS): Promise<VerifiedToken> {
      if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw invalid();
      let payload;
      try {
        ({ payload } = await jwtVerify(token, resolveKey, {
          algorithms: ['ES256'],
          issuer: deps.issuer,
          typ: TOKEN_TYP,
          clockTolerance: deps.clockSkewSeconds,
          currentDate: new Date(deps.clock.now()),
          requiredClaims: ['sub', 'jti', 'iat', 'nbf'],
        }));
      } catch (err) {
        if (err instanceof AppError) throw err;
        if (err instanceof errors.JWTExpired) throw invalid('the token has expired: log in again or create a new token');
        throw invalid();
      }
      const kind = payload[KIND_CLAIM];
      if (typeof kind !== 'string' || !(TOKEN_KINDS as readonly string[]).includes(kind)) throw invalid();
      if (!kinds.includes(kind as TokenKind)) throw invalid(`a ${kind === 'pat' ? 'personal access token' : 'session token'} is not accepted here`);
      if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string' || typeof payload.iat !== 'number') throw invalid();
      return Object.freeze({
        sub: payload.sub,
        jti: payload.jti,
        kind: kind as TokenKind,
        iat: payload.iat,
        ...(typeof payload.exp === 'number' ? { exp: payload.exp } : {}),
      });
    },
  });
}
