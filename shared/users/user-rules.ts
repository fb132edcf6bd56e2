import { AppError } from '../errors.js';

/** The role that guards user administration. Every other role is opaque to patgate. */
export const ADMIN_ROLE = 'admin';

const ROLE = /^[A-Za-z0-9_.:-]{1,64}$/;
// Deliberately loose: one @, no spaces, a dot in the domain. Delivery is not our job.
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;

/** Minimum password length. */
export const MIN_PASSWORD_LENGTH = 12;

/** Checks an email address; returns it trimmed. */
export function checkEmail(email: unknown, field = 'email'): string {
  if (typeof email !== 'string' || email.length > 254 || !EMAIL.test(email.trim())) {
    throw new AppError('bad_request', `${field}: must be an email address such as user@example.com`);
  }
  return email.trim();
}

/** Checks a new password: 12 to 1024 characters. */
export function checkPassword(password: unknown, field = 'password'): string {
  if (typeof password !== 'string' || [...password].length < MIN_PASSWORD_LENGTH) {
    throw new AppError('bad_request', `${field}: must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  }
  if (password.length > 1024) throw new AppError('bad_request', `${field}: must be at most 1024 characters long`);
  return password;
}

/** Most roles one user may hold (they travel in every authorizer context). */
export const MAX_ROLES = 100;

/** Checks a role list: each 1 to 64 characters of `[A-Za-z0-9_.:-]`; duplicates are dropped. */
export function checkRoles(roles: unknown, field = 'roles'): string[] {
  if (!Array.isArray(roles)) throw new AppError('bad_request', `${field}: must be an array of role names`);
  if (roles.length > MAX_ROLES) throw new AppError('bad_request', `${field}: at most ${MAX_ROLES} roles`);
  for (const role of roles) {
    if (typeof role !== 'string' || !ROLE.test(role)) {
      throw new AppError('bad_request', `${field}: role "${String(role).slice(0, 80)}" is not valid; use 1 to 64 characters of A-Z a-z 0-9 _ . : -`);
    }
  }
  return [...new Set(roles as string[])];
}

/** A user's status: `active` or `disabled`. */
export function checkStatus(status: unknown, field = 'status'): 'active' | 'disabled' {
  if (status !== 'active' && status !== 'disabled') throw new AppError('bad_request', `${field}: must be "active" or "disabled"`);
  return status;
}
