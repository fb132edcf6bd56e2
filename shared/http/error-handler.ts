import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError, isAppError } from '../errors.js';
import { describeError, type Logger } from '../logger.js';
import { ERROR_STATUS } from './error-status.js';

/** The JSON body of every error: what is wrong and how to fix it, and the request id. */
export function errorResponse(c: Context, err: AppError): Response {
  const status = ERROR_STATUS[err.code];
  const requestId = (c.get('requestId' as never) as string | undefined) ?? '';
  if (status === 401) {
    // RFC 6750 §3: no error code when the client sent no credentials.
    c.header('WWW-Authenticate', err.details.credentialsPresent === false ? 'Bearer realm="patgate"' : 'Bearer realm="patgate", error="invalid_token"');
  }
  if (err.details.retryAfterSeconds !== undefined) c.header('Retry-After', String(err.details.retryAfterSeconds));
  c.header('Cache-Control', 'no-store');
  return c.json({ error: err.message, request_id: requestId }, status);
}

/**
 * Maps every thrown error to a response. Our own errors carry their
 * message; anything else is a 500 `internal error`, logged with the request
 * id and never echoed.
 */
export function createErrorHandler(logger: Logger): ErrorHandler {
  return (err, c) => {
    if (isAppError(err)) {
      if (err.code === 'internal' || err.code === 'unavailable') {
        logger.error(err.code === 'internal' ? 'internal error' : 'dependency unavailable', { request_id: c.get('requestId' as never), ...describeError(err) });
      }
      if (err.code === 'internal') return errorResponse(c, new AppError('internal', 'internal error'));
      return errorResponse(c, err);
    }
    if (err instanceof HTTPException && err.status === 413) {
      return errorResponse(c, new AppError('payload_too_large', 'the request body is larger than 64 KiB'));
    }
    logger.error('internal error', { request_id: c.get('requestId' as never), ...describeError(err) });
    return errorResponse(c, new AppError('internal', 'internal error'));
  };
}

/** 404 for unknown routes, in the same JSON shape. */
export const notFoundHandler: NotFoundHandler = (c) =>
  errorResponse(c, new AppError('not_found', `no such endpoint: ${c.req.method} ${new URL(c.req.url).pathname}`));
