import type { AdminGuard, LoginFailures, TokenRecord, UserRecord, UserStatus, UserVersion } from './records.js';

/** Partial update of a user; absent fields are left as they are. */
export interface UserPatch {
  email?: string;
  passwordHash?: string;
  roles?: readonly string[];
  status?: UserStatus;
}

/**
 * Persistence for users and tokens. The DynamoDB adapter is the only
 * implementation; tests run it against dynalite. Every method maps
 * DynamoDB's own failures to {@link AppError}s: `conflict` and `not_found`
 * for failed conditions, `unavailable` for throttling, timeouts and
 * unreachable endpoints.
 */
export interface Store {
  /** Creates a user; `conflict` when the email (case-insensitive) is taken. */
  createUser(user: UserRecord): Promise<void>;
  getUser(id: string): Promise<UserRecord | undefined>;
  getUserByEmail(email: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  /**
   * Applies `patch` when the user exists and, if `expected` is given, has
   * not changed since it was read (same `updatedAt` and `rev`: optimistic
   * concurrency). An email change claims the new address first and releases
   * the old one after. `not_found` when the user is gone, `conflict` on a
   * lost race or a taken email.
   */
  updateUser(id: string, patch: UserPatch, now: number, expected?: UserVersion): Promise<UserRecord>;
  /**
   * Deletes the user, the email claim and every item in the user's partition.
   * With `expected`, the profile is deleted only if unchanged since it was
   * read: `conflict` when it changed, `not_found` when it is gone.
   */
  deleteUser(id: string, expected?: UserVersion): Promise<void>;
  /** Bumps the profile's `rev` if it is still at `expected` (a fence, see AdminGuard); false otherwise. */
  fenceUser(id: string, expected: UserVersion): Promise<boolean>;

  /** The admin guard; `{ admins: [], version: 0 }` when it does not exist yet. */
  getAdminGuard(): Promise<AdminGuard>;
  /** Adds `userId` to the guard if its version is still `expectedVersion` (creating it at 0); false otherwise. */
  countAdmin(userId: string, expectedVersion: number): Promise<boolean>;
  /**
   * Removes `userId` from the guard and bumps its version, only if at least
   * one other id stays counted. False (nothing written) when the guard does
   * not exist or `userId` is the only id in it.
   */
  releaseAdmin(userId: string): Promise<boolean>;

  /** The failed-login record of an email (case-insensitive), expired ones included. */
  getLoginFailures(email: string): Promise<LoginFailures | undefined>;
  /**
   * Writes `next` for the email only if the record is still `seen` (absent
   * when undefined): one winner among concurrent attempts. False otherwise.
   */
  putLoginFailures(email: string, seen: LoginFailures | undefined, next: LoginFailures): Promise<boolean>;
  /** Forgets the failed logins of an email. */
  clearLoginFailures(email: string): Promise<void>;

  /** Token record and its user, in one consistent round trip (BatchGetItem). */
  getTokenAndUser(userId: string, tokenId: string): Promise<{ token?: TokenRecord; user?: UserRecord }>;
  putToken(token: TokenRecord): Promise<void>;
  /** Every token record of the user, expired ones included (callers filter). */
  listTokens(userId: string): Promise<TokenRecord[]>;
  /** Deletes a token record and any PAT claims it holds. Returns false when there was none. */
  deleteToken(userId: string, tokenId: string): Promise<boolean>;
  /**
   * Sets `lastUsedAt` when the record exists and was last used before
   * `staleBefore` (a conditional write). Returns false when not written.
   */
  touchToken(userId: string, tokenId: string, at: number, staleBefore: number): Promise<boolean>;

  /**
   * Claims a PAT name for a user: `conflict` when a live PAT holds it.
   * A claim whose PAT expired is taken over.
   */
  claimPatName(userId: string, name: string, tokenId: string, expiresAt: number | undefined, now: number): Promise<void>;
  /**
   * Claims one of `max` PAT slots: `limit_reached` when every slot holds a
   * live PAT. Slots of expired or vanished PATs are taken over.
   */
  claimPatSlot(userId: string, max: number, tokenId: string, expiresAt: number | undefined, now: number): Promise<void>;
  /** Releases the name and slot claims held by `tokenId` (no-op when absent). */
  releasePatClaims(userId: string, tokenId: string, name: string): Promise<void>;
}
