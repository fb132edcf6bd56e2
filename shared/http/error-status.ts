import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode } from '../errors.js';

/** The one mapping from error codes to HTTP statuses. */
export const ERROR_STATUS: Readonly<Record<ErrorCode, ContentfulStatusCode>> = Object.freeze({
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  limit_reached: 422,
  too_many_requests: 429,
  internal: 500,
  unavailable: 503,
});
