/** The two kinds of token patgate issues. */
export const TOKEN_KINDS = ['session', 'pat'] as const;
/** `session` (from login) or `pat` (a personal access token). */
export type TokenKind = (typeof TOKEN_KINDS)[number];

/**
 * The JOSE header `typ` of every patgate token (RFC 9068 access-token typing,
 * RFC 8725 §3.11): a JWT of another type signed by the same key is refused.
 */
export const TOKEN_TYP = 'at+jwt';

/** The private claim that carries the {@link TokenKind}. */
export const KIND_CLAIM = 'kind';

/** The longest compact token accepted; anything longer is refused before parsing. */
export const MAX_TOKEN_LENGTH = 4096;

/** The claims of a verified token, as the core uses them. */
export interface VerifiedToken {
  /** The user id. */
  readonly sub: string;
  /** The token id; also the key of the token record. */
  readonly jti: string;
  readonly kind: TokenKind;
  /** Issued-at, epoch seconds. */
  readonly iat: number;
  /** Expiry, epoch seconds; absent for a non-expiring token. */
  readonly exp?: number;
}
