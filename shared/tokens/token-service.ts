import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';
import { toEpochSeconds, type Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import { isExpired, type TokenRecord } from '../store/records.js';
import type { TokenMinter } from './token-signer.js';

/** Limits that shape tokens; a subset of the configuration. */
export interface TokenPolicy {
  sessionTtlSeconds: number;
  patMaxTtlSeconds: number;
  allowNonExpiring: boolean;
  maxPatsPerUser: number;
  maxSessionsPerUser: number;
}

/** What the token service needs. */
export interface TokenServiceDeps {
  store: Store;
  minter: TokenMinter;
  clock: Clock;
  policy: TokenPolicy;
  newId?: () => string;
}

/** A PAT as listed to its owner: never the token value. */
export interface PatSummary {
  id: string;
  name: string;
  createdAt: number;
  expiresAt?: number;
  lastUsedAt?: number;
}

/** A PAT name: 1 to 256 characters with no control characters. */
export function checkPatName(name: unknown): string {
  if (typeof name !== 'string') throw new AppError('bad_request', 'name: must be a string of 1 to 256 characters');
  if (name.length === 0 || [...name].length > 256) throw new AppError('bad_request', 'name: must be 1 to 256 characters long');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) throw new AppError('bad_request', 'name: must not contain control characters');
  return name;
}

/** Issues sessions and PATs and manages their records. */
export function createTokenService(deps: TokenServiceDeps) {
  const { store, minter, clock, policy } = deps;
  const newId = deps.newId ?? randomUUID;

  async function issue(record: TokenRecord): Promise<string> {
    const jwt = await minter.mint({
      sub: record.userId,
      jti: record.id,
      kind: record.kind,
      iat: toEpochSeconds(record.createdAt),
      ...(record.expiresAt !== undefined ? { exp: toEpochSeconds(record.expiresAt) } : {}),
    });
    return jwt;
  }

  return Object.freeze({
    /**
     * Starts a session for a user who has just proven their password, then
     * drops the oldest live sessions beyond the per-user limit.
     */
    async createSession(userId: string, opts: { noExpiry?: boolean } = {}): Promise<string> {
      if (opts.noExpiry && !policy.allowNonExpiring) {
        throw new AppError('bad_request', 'no_expiry: non-expiring tokens are not allowed by this deployment; omit no_expiry or set it to false');
      }
      const now = clock.now();
      // Whole seconds, so the record's expiry equals the token's exp.
      const createdAt = toEpochSeconds(now) * 1000;
      const record: TokenRecord = {
        id: newId(),
        userId,
        kind: 'session',
        createdAt,
        ...(opts.noExpiry ? {} : { expiresAt: createdAt + policy.sessionTtlSeconds * 1000 }),
      };
      const jwt = await issue(record);
      await store.putToken(record);
      const live = (await store.listTokens(userId))
        .filter((t) => t.kind === 'session' && !isExpired(t, now))
        .sort((a, b) => b.createdAt - a.createdAt || (a.id === record.id ? -1 : b.id === record.id ? 1 : 0));
      for (const old of live.slice(policy.maxSessionsPerUser)) await store.deleteToken(userId, old.id);
      return jwt;
    },

    /**
     * Creates a PAT. The name and the slot are claimed with single-item
     * conditional writes, so uniqueness and the limit hold under concurrency;
     * a claim is released if a later step fails.
     */
    async createPat(userId: string, input: { name: string; expiresIn?: number }): Promise<string> {
      const name = checkPatName(input.name);
      const range = `1 to ${policy.patMaxTtlSeconds}`;
      const { expiresIn } = input;
      if (expiresIn !== undefined && (!Number.isSafeInteger(expiresIn) || expiresIn < 0 || expiresIn > policy.patMaxTtlSeconds)) {
        throw new AppError('bad_request', `expires_in: must be whole seconds from ${policy.allowNonExpiring ? `0 (never expires) or ${range}` : range}`);
      }
      if ((expiresIn === undefined || expiresIn === 0) && !policy.allowNonExpiring) {
        throw new AppError('bad_request', `expires_in: must be whole seconds from ${range}; non-expiring tokens are not allowed by this deployment`);
      }
      const now = clock.now();
      const createdAt = toEpochSeconds(now) * 1000;
      const expiresAt = expiresIn ? createdAt + expiresIn * 1000 : undefined;
      const record: TokenRecord = { id: newId(), userId, kind: 'pat', name, createdAt, ...(expiresAt !== undefined ? { expiresAt } : {}) };
      await store.claimPatName(userId, name, record.id, expiresAt, now);
      try {
        await store.claimPatSlot(userId, policy.maxPatsPerUser, record.id, expiresAt, now);
        const jwt = await issue(record);
        await store.putToken(record);
        return jwt;
      } catch (err) {
        await store.releasePatClaims(userId, record.id, name).catch(() => undefined);
        throw err;
      }
    },

    /** The user's live PATs, oldest first. */
    async listPats(userId: string): Promise<PatSummary[]> {
      const now = clock.now();
      return (await store.listTokens(userId))
        .filter((t) => t.kind === 'pat' && !isExpired(t, now))
        .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
        .map((t) => ({
          id: t.id,
          name: t.name ?? '',
          createdAt: t.createdAt,
          ...(t.expiresAt !== undefined ? { expiresAt: t.expiresAt } : {}),
          ...(t.lastUsedAt !== undefined ? { lastUsedAt: t.lastUsedAt } : {}),
        }));
    },

    /** Revokes one token of the user; a no-op for an unknown id or another user's token. */
    async revoke(userId: string, tokenId: string): Promise<void> {
      await store.deleteToken(userId, tokenId);
    },

    /** Revokes every token of the user except `keepTokenId`. */
    async revokeAll(userId: string, keepTokenId?: string): Promise<number> {
      let n = 0;
      for (const t of await store.listTokens(userId)) {
        if (t.id !== keepTokenId && (await store.deleteToken(userId, t.id))) n++;
      }
      return n;
    },
  });
}

/** The service returned by {@link createTokenService}. */
export type TokenService = ReturnType<typeof createTokenService>;
