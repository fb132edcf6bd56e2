import { AppError, isAppError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { Store, UserPatch } from '../store/store.js';
import { isExpired, type TokenRecord, type UserRecord, type UserStatus } from '../store/records.js';
import { createLoginThrottle, type LoginThrottle } from '../auth/login-throttle.js';
import type { PasswordHasher } from './password-hasher.js';
import { createUserService, toPublicUser, type PublicUser } from './user-service.js';
import { ADMIN_ROLE, checkEmail, checkPassword, checkRoles, checkStatus } from './user-rules.js';

/** What user administration needs. */
export interface UserAdminDeps {
  store: Store;
  passwords: PasswordHasher;
  clock: Clock;
  newId?: () => string;
  /** Guards `current_password` checks; defaults to the login throttle on `store`. */
  throttle?: LoginThrottle;
}

/** A change to a user, as received (checked here). Absent fields stay as they are. */
export interface UserChange {
  email?: unknown;
  password?: unknown;
  roles?: unknown;
  status?: unknown;
}

/** What an update did besides the change itself. */
export interface UpdateOutcome {
  user: PublicUser;
  /** Tokens revoked because the password or email changed. */
  revoked: number;
}

/** True when the user counts for the last-admin rule. */
export const isActiveAdmin = (u: Pick<UserRecord, 'status' | 'roles'>): boolean => u.status === 'active' && u.roles.includes(ADMIN_ROLE);

/** A change whose fields passed their checks. */
type CheckedChange = { email?: string; password?: string; roles?: string[]; status?: UserStatus };

/** A write lost only to a fence; the operation is run again (internal). */
class FencedError extends Error {}

/** How often adding an admin to the guard is retried when a release races it. */
const MAX_COUNT_TRIES = 3;

/**
 * User administration: create, list, read, update and delete users, with
 * the rules that tie users to their tokens and keep an admin around.
 *
 * **Tokens follow the user** (Mender's rule): a password or email change
 * revokes every session and PAT of that user except the token used for the
 * request. Revocation runs before the write and once more after it, so a
 * failure never leaves a changed password with the old tokens alive (at
 * worst tokens are revoked and the change did not happen: fail closed).
 * A role change revokes nothing; the authenticator reads roles and status
 * from the profile on every uncached decision, so a disabled user's tokens
 * are refused and work again once the user is enabled.
 *
 * **The last active admin** cannot be disabled, demoted or deleted, even
 * when two admins demote each other at the same moment. DynamoDB
 * transactions are not available (dynalite), so the rule rests on one guard
 * item written only with single-item conditional writes:
 *
 * - the guard holds a set of user ids, `counted`, and a `version`;
 * - invariant: every counted id is an active admin, and `counted` is never
 *   empty once it exists;
 * - to take an active admin away (disable, drop the role, delete), first
 *   remove its id with a write conditional on another id staying counted
 *   (which bumps `version`), then write the profile conditional on the
 *   version of it we read. With the invariant, someone counted stays an
 *   active admin: two admins releasing each other race on the one guard
 *   item and the second release fails;
 * - to count an admin, read the guard's version, read the profile, bump
 *   the profile's `rev` conditional on what we read (a fence: any release
 *   write based on an older read of the profile now fails), then add the id
 *   conditional on the guard version being unchanged. Adding happens only
 *   after the profile is an active admin, and any release in between makes
 *   one of the conditions fail, so the invariant holds without locks,
 *   leases or clocks.
 *
 * A crash between two steps can only leave an active admin uncounted, which
 * makes the rule stricter, never looser. When a release is refused, the
 * guard is repaired by counting every active admin in the user list, and
 * the release is tried once more: that also builds the guard for tables
 * created before it existed.
 */
export function createUserAdminService(deps: UserAdminDeps) {
  const { store, passwords, clock } = deps;
  const users = createUserService(deps);
  const throttle = deps.throttle ?? createLoginThrottle({ store, clock });

  async function readUser(id: string): Promise<UserRecord> {
    const user = await store.getUser(id);
    if (!user) throw new AppError('not_found', `user ${id} does not exist`);
    return user;
  }

  /** Counts `id` in the guard if it is an active admin (see above). Best effort: giving up only makes the rule stricter. */
  async function count(id: string): Promise<void> {
    for (let i = 0; i < MAX_COUNT_TRIES; i++) {
      const guard = await store.getAdminGuard();
      if (guard.admins.includes(id)) return;
      const user = await store.getUser(id);
      if (!user || !isActiveAdmin(user)) return;
      if (!(await store.fenceUser(id, user))) continue;
      if (await store.countAdmin(id, guard.version)) return;
    }
  }

  /** Takes `id` out of the guard, or refuses with `conflict` when it is the last active admin. */
  async function release(id: string): Promise<void> {
    if (await store.releaseAdmin(id)) return;
    // Perhaps other admins are active but not counted (a crash, an older table): count them and retry once.
    for (const u of await store.listUsers()) if (u.id !== id && isActiveAdmin(u)) await count(u.id);
    if (await store.releaseAdmin(id)) return;
    throw new AppError('conflict', `user ${id} is the last active admin: make another user an active admin first, then disable, demote or delete this one`);
  }

  /** Revokes every token of the user but `keepTokenId`; returns how many. */
  async function revokeAll(userId: string, keepTokenId: string | undefined): Promise<number> {
    let n = 0;
    for (const t of await store.listTokens(userId)) if (t.id !== keepTokenId && (await store.deleteToken(userId, t.id))) n++;
    return n;
  }

  /** Checks a change; a field given as undefined is "not given". */
  function checkChange(change: UserChange): CheckedChange {
    const out = {
      ...(change.email !== undefined ? { email: checkEmail(change.email) } : {}),
      ...(change.password !== undefined ? { password: checkPassword(change.password) } : {}),
      ...(change.roles !== undefined ? { roles: checkRoles(change.roles) } : {}),
      ...(change.status !== undefined ? { status: checkStatus(change.status) } : {}),
    };
    if (Object.keys(out).length === 0) throw new AppError('bad_request', 'nothing to change: send at least one of email, password, roles, status');
    return out;
  }

  /**
   * True when a write based on `read` failed only because a count fenced the
   * profile (rev moved, nothing else): not a change anyone made, so the
   * operation may run again from a fresh read.
   */
  async function onlyFenced(err: unknown, read: UserRecord): Promise<boolean> {
    if (!isAppError(err, 'conflict')) return false;
    const latest = await store.getUser(read.id);
    return latest !== undefined && latest.updatedAt === read.updatedAt && (latest.rev ?? 0) !== (read.rev ?? 0);
  }

  /** Runs `op` once more when its first run lost only to a fence. */
  async function retryFenced<T>(op: (attempt: number) => Promise<T>): Promise<T> {
    try {
      return await op(0);
    } catch (err) {
      if (err instanceof FencedError) return op(1);
      throw err;
    }
  }

  async function update(id: string, change: UserChange, opts: { keepTokenId?: string } = {}): Promise<UpdateOutcome> {
    const c = checkChange(change);
    return retryFenced((attempt) => updateOnce(id, c, opts, attempt));
  }

  async function updateOnce(id: string, c: CheckedChange, opts: { keepTokenId?: string }, attempt: number): Promise<UpdateOutcome> {
    const current = await readUser(id);
    const patch: UserPatch = {
      ...(c.email !== undefined ? { email: c.email } : {}),
      ...(c.roles !== undefined ? { roles: c.roles } : {}),
      ...(c.status !== undefined ? { status: c.status } : {}),
    };
    const next = { status: patch.status ?? current.status, roles: patch.roles ?? current.roles };
    const emailChanged = c.email !== undefined && c.email.toLowerCase() !== current.email.toLowerCase();
    const credentialsChange = emailChanged || c.password !== undefined;
    if (emailChanged) {
      // Checked before anything is revoked; the store's claim settles a race.
      const holder = await store.getUserByEmail(c.email!);
      if (holder && holder.id !== id) throw new AppError('conflict', `a user with email ${c.email} already exists`);
    }
    if (c.password !== undefined) patch.passwordHash = await passwords.hash(c.password);

    const releases = isActiveAdmin(current) && !isActiveAdmin(next);
    if (releases) await release(id);
    let revoked = credentialsChange ? await revokeAll(id, opts.keepTokenId) : 0;
    let updated: UserRecord;
    try {
      updated = await store.updateUser(id, patch, clock.now(), current);
    } catch (err) {
      // Count the admin again if it still is one (safe whatever happened: see count()).
      if (releases) await count(id).catch(() => undefined);
      if (attempt === 0 && (await onlyFenced(err, current))) throw new FencedError();
      throw err;
    }
    // Tokens minted between the first sweep and the write (a login with the old password).
    if (credentialsChange) revoked += await revokeAll(id, opts.keepTokenId);
    if (isActiveAdmin(updated)) await count(id);
    return { user: toPublicUser(updated), revoked };
  }

  return Object.freeze({
    /** Creates an active user; `conflict` when the email is taken (case-insensitive, also under races). */
    async create(input: { email: unknown; password: unknown; roles?: unknown }): Promise<PublicUser> {
      const user = await users.create(input);
      if (user.roles.includes(ADMIN_ROLE)) await count(user.id);
      return user;
    },

    /** Every user, ordered by email. */
    async list(): Promise<PublicUser[]> {
      return (await store.listUsers()).map(toPublicUser);
    },

    /** One user; `not_found` when there is none. */
    async get(id: string): Promise<PublicUser> {
      return toPublicUser(await readUser(id));
    },

    /**
     * Changes a user (an admin's request). A password or email change
     * revokes the user's tokens except `keepTokenId`, the token of the
     * request. `conflict` when it would leave no active admin.
     */
    update,

    /**
     * A user changes their own email or password, proving `currentPassword`.
     * Wrong guesses count against the login throttle of their email.
     */
    async updateSelf(userId: string, change: { email?: unknown; password?: unknown; currentPassword?: unknown }, keepTokenId: string): Promise<UpdateOutcome> {
      if (change.email === undefined && change.password === undefined) {
        throw new AppError('bad_request', 'nothing to change: send email or password, with current_password');
      }
      if (typeof change.currentPassword !== 'string' || change.currentPassword === '') {
        throw new AppError('bad_request', 'current_password: is required to change your email or password');
      }
      const current = change.currentPassword;
      checkChange({ email: change.email, password: change.password });
      const user = await readUser(userId);
      const proven = await throttle.attempt(user.email, async () => ((await passwords.verify(current, user.passwordHash)) ? true : undefined));
      if (!proven) throw new AppError('forbidden', 'current_password: does not match your current password');
      return update(userId, { email: change.email, password: change.password }, { keepTokenId });
    },

    /** Deletes the user and every token record of theirs. `conflict` for the last active admin. */
    async delete(id: string): Promise<void> {
      await retryFenced(async (attempt) => {
        const current = await readUser(id);
        const releases = isActiveAdmin(current);
        if (releases) await release(id);
        try {
          await store.deleteUser(id, current);
        } catch (err) {
          if (releases && !isAppError(err, 'not_found')) await count(id).catch(() => undefined);
          if (attempt === 0 && (await onlyFenced(err, current))) throw new FencedError();
          throw err;
        }
      });
    },

    /** The user's live tokens (sessions and PATs), oldest first. */
    async listTokens(userId: string): Promise<TokenRecord[]> {
      await readUser(userId);
      const now = clock.now();
      return (await store.listTokens(userId)).filter((t) => !isExpired(t, now)).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    },

    /** Revokes one token of the user; `not_found` when the user has no such token. */
    async revokeToken(userId: string, tokenId: string): Promise<void> {
      if (!(await store.deleteToken(userId, tokenId))) throw new AppError('not_found', `user ${userId} has no token ${tokenId}`);
    },

    /** Revokes every token of the user; returns how many. */
    async revokeAllTokens(userId: string): Promise<number> {
      await readUser(userId);
      return revokeAll(userId, undefined);
    },
  });
}

/** The service returned by {@link createUserAdminService}. */
export type UserAdminService = ReturnType<typeof createUserAdminService>;
