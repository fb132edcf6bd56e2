import type { JWK } from 'jose';
import { calculateJwkThumbprint } from 'jose';

/**
 * Derives a key id from the public key itself (RFC 7638 thumbprint), so the
 * same key always has the same `kid` whichever signer holds it.
 */
export async function keyIdFor(publicJwk: JWK): Promise<string> {
  return calculateJwkThumbprint({ kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y }, 'sha256');
}
