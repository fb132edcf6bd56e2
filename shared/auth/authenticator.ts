import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import { isExpired, type TokenRecord, type UserRecord } from '../store/records.js';
import type { TokenKind, VerifiedToken } from '../tokens/claims.js';
import type { TokenVerifier } from '../tokens/token-verifier.js';

/** Who a valid token speaks for. */
export interface Principal {
  readonly claims: VerifiedToken;
  readonly token: TokenRecord;
  /** The user as stored now: roles and status are current. */
  readonly user: UserRecord;
}

/** What the authenticator needs. */
export interface AuthenticatorDeps {
  verifier: TokenVerifier;
  store: Store;
  clock: Clock;
  /** Told when a `last_used` write fails (it never fails the request). */
  onTouchError?: (err: unknown) => void;
}

/** `last_used` is written at most this often per token (as in Mender). */
export const LAST_USED_INTERVAL_MS = 5 * 60 * 1000;

const refused = (message: string) => new AppError('unauthorized', message, { credentialsPresent: true });

/**
 * The one verification core, shared by the management API and the Lambda
 * authorizer: one signature check, then one store round trip for the token
 * record and its user. Fails closed: anything but a live record of an active
 * user is `unauthorized`; a store failure is `unavailable`, never a pass.
 */
export function createAuthenticator(deps: AuthenticatorDeps) {
  /**
   * Records a PAT's use at most every {@link LAST_USED_INTERVAL_MS}: the record
   * we just read tells whether it is due, so only that one request pays for
   * a write, and the conditional write keeps concurrent ones from repeating it.
   */
  async function touch(record: TokenRecord): Promise<void> {
    const now = deps.clock.now();
    if (record.lastUsedAt !== undefined && record.lastUsedAt > now - LAST_USED_INTERVAL_MS) return;
    try {
      await deps.store.touchToken(record.userId, record.id, now, now - LAST_USED_INTERVAL_MS);
    } catch (err) {
      // Bookkeeping only: a failed write must not refuse a valid token.
      deps.onTouchError?.(err);
    }
  }

  return Object.freeze({
    async authenticate(token: string, kinds?: readonly TokenKind[]): Promise<Principal> {
      const claims = await deps.verifier.verify(token, kinds);
      const { token: record, user } = await deps.store.getTokenAndUser(claims.sub, claims.jti);
      if (!record || isExpired(record, deps.clock.now())) throw refused('the token has been revoked or has expired');
      if (record.userId !== claims.sub || record.kind !== claims.kind) throw refused('the token is not valid');
      if (!user) throw refused('the token belongs to a user who no longer exists');
      if (user.status !== 'active') throw refused('the user of this token is disabled');
      if (record.kind === 'pat') await touch(record);
      return Object.freeze({ claims, token: record, user });
    },
  });
}

/** The authenticator returned by {@link createAuthenticator}. */
export type Authenticator = ReturnType<typeof createAuthenticator>;

/** Extracts the token from `Bearer <token>` (scheme case-insensitive); undefined otherwise. */
export function bearerToken(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer +([A-Za-z0-9\-_.~+/]+=*) *$/i.exec(header);
  return match?.[1];
}
