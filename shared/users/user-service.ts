import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import type { UserRecord } from '../store/records.js';
import type { PasswordHasher } from './password-hasher.js';
import { checkEmail, checkPassword, checkRoles } from './user-rules.js';

/** What the user service needs. */
export interface UserServiceDeps {
  store: Store;
  passwords: PasswordHasher;
  clock: Clock;
  newId?: () => string;
}

/** A user as shown to clients: never the password hash. */
export interface PublicUser {
  id: string;
  email: string;
  roles: string[];
  status: UserRecord['status'];
  createdAt: number;
  updatedAt: number;
}

/** Strips everything secret from a stored user. */
export const toPublicUser = (u: UserRecord): PublicUser => ({
  id: u.id,
  email: u.email,
  roles: [...u.roles],
  status: u.status,
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
});

/** Creates and reads users. */
export function createUserService(deps: UserServiceDeps) {
  const { store, passwords, clock } = deps;
  const newId = deps.newId ?? randomUUID;
  return Object.freeze({
    /** Creates an active user; `conflict` when the email is taken. */
    async create(input: { email: unknown; password: unknown; roles?: unknown }): Promise<PublicUser> {
      const email = checkEmail(input.email);
      const password = checkPassword(input.password);
      const roles = input.roles === undefined ? [] : checkRoles(input.roles);
      const now = clock.now();
      const user: UserRecord = { id: newId(), email, passwordHash: await passwords.hash(password), roles, status: 'active', createdAt: now, updatedAt: now };
      await store.createUser(user);
      return toPublicUser(user);
    },
    async get(id: string): Promise<PublicUser | undefined> {
      const user = await store.getUser(id);
      return user && toPublicUser(user);
    },
  });
}

/** The service returned by {@link createUserService}. */
export type UserService = ReturnType<typeof createUserService>;
