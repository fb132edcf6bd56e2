import { Hono } from 'hono';
import { AppError } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import type { AppEnv } from '../app-env.js';
import { readJsonBody } from '../json-body.js';
import { requireAuth } from '../require-auth.js';

/** Parses `Authorization: Basic base64(email:password)`; undefined when absent or malformed. */
function basicCredentials(header: string | undefined): { email: string; password: string } | undefined {
  const match = header && /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { email: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** `POST /auth/login` and `POST /auth/logout`. */
export function authRoutes(rt: Runtime & Required<Pick<Runtime, 'login'>>) {
  const app = new Hono<AppEnv>();
  app.post('/auth/login', async (c) => {
    const header = c.req.header('Authorization');
    const credentials = basicCredentials(header);
    if (!credentials) {
      c.header('WWW-Authenticate', 'Basic realm="patgate"');
      throw new AppError('unauthorized', 'invalid or missing auth header: send HTTP Basic credentials (email:password)', { credentialsPresent: header !== undefined });
    }
    const body = await readJsonBody(c, { no_expiry: 'boolean' }, { optional: true });
    const jwt = await rt.login.login(credentials.email, credentials.password, { noExpiry: body.no_expiry === true });
    c.header('Cache-Control', 'no-store');
    return c.body(jwt, 200, { 'Content-Type': 'application/jwt' });
  });
  app.post('/auth/logout', requireAuth(rt.authenticator), async (c) => {
    const { token } = c.get('principal');
    await rt.store.deleteToken(token.userId, token.id);
    return c.body(null, 202);
  });
  return app;
}
