import { Hono } from 'hono';
import { AppError } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import type { AppEnv } from '../app-env.js';
import { readJsonBody } from '../json-body.js';
import { requireAuth } from '../require-auth.js';
import { rfc3339 } from '../time-format.js';

/** `/settings/tokens`: the caller's personal access tokens. */
export function tokenRoutes(rt: Runtime & Required<Pick<Runtime, 'tokens'>>) {
  const app = new Hono<AppEnv>();
  app.use('/settings/tokens', requireAuth(rt.authenticator));
  app.use('/settings/tokens/*', requireAuth(rt.authenticator));

  app.post('/settings/tokens', async (c) => {
    const { claims, user } = c.get('principal');
    // A leaked PAT must not be able to mint its own successors.
    if (claims.kind === 'pat') throw new AppError('forbidden', 'a personal access token cannot create personal access tokens: log in and use the session token');
    const body = await readJsonBody(c, { name: 'string', expires_in: 'integer' });
    if (body.name === undefined) throw new AppError('bad_request', 'name: is required');
    const jwt = await rt.tokens.createPat(user.id, { name: body.name, ...(body.expires_in !== undefined ? { expiresIn: body.expires_in } : {}) });
    c.header('Cache-Control', 'no-store');
    return c.body(jwt, 200, { 'Content-Type': 'application/jwt' });
  });

  app.get('/settings/tokens', async (c) => {
    const pats = await rt.tokens.listPats(c.get('principal').user.id);
    return c.json(
      pats.map((p) => ({
        id: p.id,
        name: p.name,
        created_ts: rfc3339(p.createdAt),
        ...(p.expiresAt !== undefined ? { expiration_date: rfc3339(p.expiresAt) } : {}),
        ...(p.lastUsedAt !== undefined ? { last_used: rfc3339(p.lastUsedAt) } : {}),
      })),
    );
  });

  app.delete('/settings/tokens/:id', async (c) => {
    // Keyed under the caller's own partition: another user's token is unreachable.
    await rt.tokens.revoke(c.get('principal').user.id, c.req.param('id'));
    return c.body(null, 204);
  });
  return app;
}
