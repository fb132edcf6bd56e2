/**
 * Raised for an event the authorizer was not set up for: a deployment
 * mistake, answered as a failure (500), never as a refused token.
 */
export class UnsupportedEventError extends Error {
  override readonly name = 'UnsupportedEventError';
}
