import type { Identity } from '../../shared/authorizer/decide.js';
import { rfc3339 } from '../../shared/http/time-format.js';

/**
 * The REST (and HTTP 1.0 IAM-format) context: strings only, since API
 * Gateway refuses objects and arrays there and hands every value to the
 * backend as a string anyway.
 */
export interface RestContext {
  userId: string;
  email: string;
  /** Comma-joined; role names never contain commas. */
  roles: string;
  tokenId: string;
  tokenKind: string;
  /** RFC 3339; absent for a non-expiring token. */
  expiresAt?: string;
}

/** The HTTP API simple-response context (downstream in `requestContext.authorizer.lambda`). */
export interface SimpleContext {
  userId: string;
  email: string;
  roles: string[];
  tokenId: string;
  tokenKind: string;
  expiresAt?: string;
}

const expiry = (identity: Identity): { expiresAt?: string } => (identity.expiresAt === undefined ? {} : { expiresAt: rfc3339(identity.expiresAt) });

/** Context for IAM-format responses; `expiresAt` (RFC 3339) is absent for a non-expiring token. */
export const restContext = (identity: Identity): RestContext => ({
  userId: identity.userId,
  email: identity.email,
  roles: identity.roles.join(','),
  tokenId: identity.tokenId,
  tokenKind: identity.tokenKind,
  ...expiry(identity),
});

/** Context for HTTP API simple responses: `roles` stays an array. */
export const simpleContext = (identity: Identity): SimpleContext => ({
  userId: identity.userId,
  email: identity.email,
  roles: [...identity.roles],
  tokenId: identity.tokenId,
  tokenKind: identity.tokenKind,
  ...expiry(identity),
});
