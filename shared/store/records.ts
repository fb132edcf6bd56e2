import type { TokenKind } from '../tokens/claims.js';

/** A user's status: a disabled user's tokens are all refused. */
export type UserStatus = 'active' | 'disabled';

/** A user as stored. Times are epoch milliseconds. */
export interface UserRecord {
  readonly id: string;
  /** As the user typed it; compared case-insensitively. */
  readonly email: string;
  /** `scrypt$...`, never leaves the core. */
  readonly passwordHash: string;
  readonly roles: readonly string[];
  readonly status: UserStatus;
  readonly createdAt: number;
  readonly updatedAt: number;
  /**
   * Revision, bumped by every write of the profile (absent = 0). Writes are
   * conditional on it, so a write based on an older read fails; the admin
   * guard also bumps it to fence off such writes (see user-admin-service.ts).
   */
  readonly rev?: number;
}

/** The version of a user profile a conditional write expects to find. */
export type UserVersion = Pick<UserRecord, 'updatedAt' | 'rev'>;

/**
 * The guard item that keeps at least one active admin. `admins` holds ids
 * counted as active admins (always a subset of the real ones, never empty
 * once it exists); `version` moves on every release.
 */
export interface AdminGuard {
  readonly admins: readonly string[];
  /** 0 when the guard item does not exist yet. */
  readonly version: number;
}

/** Consecutive failed logins for one email address. Times are epoch milliseconds. */
export interface LoginFailures {
  readonly failures: number;
  readonly lastFailureAt: number;
  /** After this the record is forgotten (treated as gone, TTL deletes it). */
  readonly expiresAt: number;
}

/** A token record, keyed by the token id (`jti`). Times are epoch milliseconds. */
export interface TokenRecord {
  readonly id: string;
  readonly userId: string;
  readonly kind: TokenKind;
  /** PATs only. */
  readonly name?: string;
  readonly createdAt: number;
  /** Absent for a non-expiring token. */
  readonly expiresAt?: number;
  /** PATs only; written at most every 5 minutes. */
  readonly lastUsedAt?: number;
}

/** True when the record's expiry has passed: treated as gone, whatever TTL has deleted. */
export const isExpired = (record: { expiresAt?: number }, nowMs: number): boolean =>
  record.expiresAt !== undefined && record.expiresAt <= nowMs;
