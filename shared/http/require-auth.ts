import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.js';
import { bearerToken, type Authenticator } from '../auth/authenticator.js';
import type { TokenKind } from '../tokens/claims.js';
import type { AppEnv } from './app-env.js';

/**
 * Authenticates the bearer token with the shared verification core and sets
 * `principal`. It never trusts identity headers set upstream.
 */
export function requireAuth(authenticator: Authenticator, kinds?: readonly TokenKind[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('Authorization');
    if (!header) throw new AppError('unauthorized', 'missing credentials: send Authorization: Bearer <token>', { credentialsPresent: false });
    const token = bearerToken(header);
    if (!token) throw new AppError('unauthorized', 'invalid or missing auth header: send Authorization: Bearer <token>', { credentialsPresent: true });
    c.set('principal', await authenticator.authenticate(token, kinds));
    await next();
  };
}
