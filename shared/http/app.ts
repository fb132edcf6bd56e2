import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Runtime } from '../runtime.js';
import type { AppEnv } from './app-env.js';
import { createErrorHandler, notFoundHandler } from './error-handler.js';
import { authRoutes } from './routes/auth-routes.js';
import { meRoutes } from './routes/me-routes.js';
import { tokenRoutes } from './routes/token-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { uiRoutes } from './routes/ui-routes.js';

/** The management API's base path, as in Mender. */
export const BASE_PATH = '/api/management/v1/useradm';

/** Largest accepted request body. */
export const MAX_BODY_BYTES = 64 * 1024;

/** What the app needs. */
export interface AppDeps {
  runtime: Runtime;
  logger: Logger;
}

/**
 * The management API as a Hono app: the same app runs on Lambda
 * (`functions/api/handler.ts`), in the local server and in tests.
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const rt = deps.runtime;
  const { tokens, login } = rt;
  if (!tokens || !login) throw new Error('the management API needs a signer');
  const app = new Hono<AppEnv>();
  app.onError(createErrorHandler(deps.logger));
  app.notFound(notFoundHandler);
  app.use(
    requestId({
      // On Lambda, API Gateway's id ties our logs to its access logs.
      generator: (c) => (c.env as { requestContext?: { requestId?: string } } | undefined)?.requestContext?.requestId ?? randomUUID(),
    }),
  );
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new AppError('payload_too_large', `the request body is larger than ${MAX_BODY_BYTES / 1024} KiB`);
      },
    }),
  );

  app.get('/.well-known/jwks.json', (c) =>
    c.body(JSON.stringify({ keys: rt.publicKeys }), 200, { 'Content-Type': 'application/jwk-set+json', 'Cache-Control': 'public, max-age=300' }),
  );

  const api = new Hono<AppEnv>();
  api.route('/', authRoutes({ ...rt, login }));
  api.route('/', tokenRoutes({ ...rt, tokens }));
  api.route('/', meRoutes(rt));
  // After meRoutes: GET /users/me must not be taken for GET /users/:id.
  api.route('/', userRoutes(rt));
  app.route(BASE_PATH, api);
  // The PAT page, at `/` and `/ui/` of the same origin as the API it calls.
  app.route('/', uiRoutes());
  return app;
}
