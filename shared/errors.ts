/**
 * The one error model. Every failure the core raises on purpose carries a code
 * from {@link ErrorCode}; the HTTP layer maps codes to statuses in one place
 * (`shared/http/error-status.ts`). Callers branch on `code`, never on `message`.
 */

/** The fixed list of error codes. */
export const ERROR_CODES = [
  /** The request is malformed or a field is out of range. */
  'bad_request',
  /** Credentials are missing, invalid, expired or revoked. */
  'unauthorized',
  /** The caller is known but may not do this. */
  'forbidden',
  /** The addressed resource does not exist. */
  'not_found',
  /** The write conflicts with existing state (duplicate name or email, last admin). */
  'conflict',
  /** A per-user limit is reached (PATs per user). */
  'limit_reached',
  /** The request body exceeds the size limit. */
  'payload_too_large',
  /** The body's media type is not accepted. */
  'unsupported_media_type',
  /** The caller must wait (login throttling). */
  'too_many_requests',
  /** A dependency (the store, KMS) failed or timed out; the request may be retried. */
  'unavailable',
  /** A bug or an unexpected state. Its message is never shown to clients. */
  'internal',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Optional structured details that travel with an {@link AppError}. */
export interface AppErrorDetails {
  /** Seconds the client should wait before retrying (429). */
  retryAfterSeconds?: number;
  /** Whether the client sent credentials at all (drives `WWW-Authenticate`). */
  credentialsPresent?: boolean;
}

/**
 * An expected failure with a code and a message written for the client:
 * it says what is wrong and how to fix it, and never holds a secret.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: AppErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when `err` is an {@link AppError}, optionally with the given code. */
export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}
