import { randomBytes } from 'node:crypto';
import { isAppError } from '../../shared/errors.js';
import type { Runtime } from '../../shared/runtime.js';
import { createUserAdminService } from '../../shared/users/user-admin-service.js';
import { ADMIN_ROLE } from '../../shared/users/user-rules.js';

/** What happened to the first admin. */
export type AdminBootstrap = { created: false; email: string } | { created: true; email: string; generatedPassword?: string };

/**
 * Makes sure an admin exists: `PATGATE_ADMIN_EMAIL`/`PATGATE_ADMIN_PASSWORD`,
 * or `admin@example.com` with a random password that is returned once.
 */
export async function bootstrapAdmin(rt: Runtime, env: Readonly<Record<string, string | undefined>>): Promise<AdminBootstrap> {
  const email = env.PATGATE_ADMIN_EMAIL?.trim() || 'admin@example.com';
  if (await rt.store.getUserByEmail(email)) return { created: false, email };
  const given = env.PATGATE_ADMIN_PASSWORD;
  const password = given || randomBytes(18).toString('base64url');
  try {
    // Through the admin service, so the last-admin guard counts this admin at once.
    await createUserAdminService({ store: rt.store, passwords: rt.passwords, clock: rt.clock }).create({ email, password, roles: [ADMIN_ROLE] });
  } catch (err) {
    // Another process created it first: fine.
    if (isAppError(err, 'conflict')) return { created: false, email };
    throw err;
  }
  return given ? { created: true, email } : { created: true, email, generatedPassword: password };
}
