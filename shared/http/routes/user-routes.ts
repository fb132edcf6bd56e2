import { Hono, type MiddlewareHandler } from 'hono';
import { AppError } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { createUserAdminService } from '../../users/user-admin-service.js';
import { ADMIN_ROLE } from '../../users/user-rules.js';
import type { AppEnv } from '../app-env.js';
import { readJsonBody } from '../json-body.js';
import { requireAuth } from '../require-auth.js';
import { userJson } from '../user-json.js';

const required = (value: unknown, field: string) => {
  if (value === undefined) throw new AppError('bad_request', `${field}: is required`);
};

/**
 * User administration (`/users`, role `admin`) and `PUT /users/me`.
 * Register after `meRoutes`: `GET /users/me` is served there, and
 * `PUT /users/me` is declared here before `/users/:id`, so "me" is never
 * taken for a user id.
 */
export function userRoutes(rt: Runtime) {
  const admin = createUserAdminService({ store: rt.store, passwords: rt.passwords, clock: rt.clock });
  const app = new Hono<AppEnv>();
  const auth = requireAuth(rt.authenticator);
  const adminOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (!c.get('principal').user.roles.includes(ADMIN_ROLE)) throw new AppError('forbidden', `forbidden: user administration needs the ${ADMIN_ROLE} role`);
    await next();
  };

  app.put('/users/me', auth, async (c) => {
    const body = await readJsonBody(c, { email: 'string', password: 'string', current_password: 'string' });
    const { user, token } = c.get('principal');
    await admin.updateSelf(user.id, { email: body.email, password: body.password, currentPassword: body.current_password }, token.id);
    return c.body(null, 204);
  });

  app.post('/users', auth, adminOnly, async (c) => {
    const body = await readJsonBody(c, { email: 'string', password: 'string', roles: 'string[]' });
    required(body.email, 'email');
    required(body.password, 'password');
    const user = await admin.create(body as { email: string; password: string; roles?: string[] });
    c.header('Location', `${c.req.path}/${user.id}`);
    return c.json(userJson(user), 201);
  });

  app.get('/users', auth, adminOnly, async (c) => c.json((await admin.list()).map(userJson)));

  app.get('/users/:id', auth, adminOnly, async (c) => c.json(userJson(await admin.get(c.req.param('id')))));

  app.put('/users/:id', auth, adminOnly, async (c) => {
    const body = await readJsonBody(c, { email: 'string', password: 'string', roles: 'string[]', status: 'string' });
    // The caller's own token survives a password or email change it makes (Mender's rule).
    await admin.update(c.req.param('id'), body, { keepTokenId: c.get('principal').token.id });
    return c.body(null, 204);
  });

  app.delete('/users/:id', auth, adminOnly, async (c) => {
    await admin.delete(c.req.param('id'));
    return c.body(null, 204);
  });
  return app;
}
