import type { PublicUser } from '../users/user-service.js';
import { rfc3339 } from './time-format.js';

/** A user as the API and the CLI show it: never the password hash. */
export const userJson = (u: PublicUser) => ({
  id: u.id,
  email: u.email,
  roles: [...u.roles],
  status: u.status,
  created_ts: rfc3339(u.createdAt),
  updated_ts: rfc3339(u.updatedAt),
});
