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
  /** Consecutive failed logins since the last success. */
  readonly failedLogins?: number;
  /** When the last failed login happened. */
  readonly lastFailedLoginAt?: number;
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
