import { base64url } from 'jose';
import type { Signer } from './signer.js';
import { KIND_CLAIM, TOKEN_TYP, type TokenKind } from './claims.js';

/** What a new token says. Times are epoch seconds. */
export interface TokenSpec {
  sub: string;
  jti: string;
  kind: TokenKind;
  iat: number;
  /** Absent for a non-expiring token. */
  exp?: number;
}

const encoder = new TextEncoder();

/**
 * Mints compact JWS tokens through a {@link Signer}. The signing input is
 * assembled here (jose's base64url) rather than by jose's `SignJWT`, because
 * `SignJWT` needs the private key in-process and a KMS key never leaves KMS.
 */
export function createTokenMinter(deps: { signer: Signer; issuer: string }) {
  const { signer, issuer } = deps;
  const header = base64url.encode(JSON.stringify({ alg: signer.alg, kid: signer.kid, typ: TOKEN_TYP }));
  return {
    /** Returns the compact JWS for `spec`. */
    async mint(spec: TokenSpec): Promise<string> {
      const claims: Record<string, unknown> = {
        iss: issuer,
        sub: spec.sub,
        jti: spec.jti,
        iat: spec.iat,
        nbf: spec.iat,
        [KIND_CLAIM]: spec.kind,
      };
      if (spec.exp !== undefined) claims.exp = spec.exp;
      const input = `${header}.${base64url.encode(JSON.stringify(claims))}`;
      const signature = await signer.sign(encoder.encode(input));
      return `${input}.${base64url.encode(signature)}`;
    },
  };
}

/** The minter returned by {@link createTokenMinter}. */
export type TokenMinter = ReturnType<typeof createTokenMinter>;
