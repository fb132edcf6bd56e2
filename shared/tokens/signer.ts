import type { JWK } from 'jose';

/**
 * Signs JWS signing inputs with ES256. The private key may live in memory
 * (the local signer) or in KMS; callers only see this interface.
 */
export interface Signer {
  /** The key id written into each token's header. */
  readonly kid: string;
  /** Always `ES256`: patgate signs with P-256 only. */
  readonly alg: 'ES256';
  /** Signs `input` (ASCII of `header.payload`) and returns the raw 64-byte `r||s` signature. */
  sign(input: Uint8Array): Promise<Uint8Array>;
}

/** A public verification key as published in the JWKS. */
export interface PublicKeyJwk extends JWK {
  kid: string;
  alg: 'ES256';
  use: 'sig';
  kty: 'EC';
  crv: 'P-256';
}
