import { Hono } from 'hono';
import type { Runtime } from '../../runtime.js';
import type { AppEnv } from '../app-env.js';
import { requireAuth } from '../require-auth.js';
import { rfc3339 } from '../time-format.js';

/** `GET /users/me`: who the presented token speaks for. */
export function meRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();
  app.get('/users/me', requireAuth(rt.authenticator), (c) => {
    const { user } = c.get('principal');
    return c.json({ id: user.id, email: user.email, roles: [...user.roles], created_ts: rfc3339(user.createdAt) });
  });
  return app;
}
