import type { Authenticator } from '../auth/authenticator.js';
import type { Clock } from '../clock.js';
import type { RouteRoles } from '../config.js';
import type { TokenKind } from '../tokens/claims.js';
import { createDecisionCache } from './decision-cache.js';
import { compileRouteRules, routeAllowed, type RouteRule, type RouteRules } from './route-rules.js';

/** Who a token speaks for, as the authorizer hands it to the routes behind it. */
export interface Identity {
  readonly userId: string;
  readonly email: string;
  /** The user's roles as stored at decision time. */
  readonly roles: readonly string[];
  readonly tokenId: string;
  readonly tokenKind: TokenKind;
  /** Epoch milliseconds; absent for a non-expiring token. */
  readonly expiresAt?: number;
}

/** The authorizer's answer for one token, valid for every route. */
export interface Decision {
  readonly identity: Identity;
  /** The route rules whose roles the user lacks (sorted by pattern). */
  readonly denied: readonly RouteRule[];
  /** Whether the token may call `method path` under the route rules. */
  allows(method: string, path: string): boolean;
}

/** What {@link createDecider} needs. */
export interface DeciderDeps {
  authenticator: Authenticator;
  routeRoles: RouteRoles;
  /** In-instance cache lifetime, seconds; 0 turns it off. */
  decisionCacheSeconds: number;
  clock: Clock;
  /** Most tokens cached at once (default 1000). */
  maxCacheEntries?: number;
}

/** Decides for tokens; build once per Lambda instance. */
export interface Decider {
  readonly rules: RouteRules;
  /**
   * Authenticates `token` (one signature check and one store round trip, or
   * neither on a cache hit) and returns the decision for every route.
   * Throws `AppError` `unauthorized` for a refused token, `unavailable`
   * when the store cannot answer; never returns a decision in either case.
   */
  decide(token: string): Promise<Decision>;
}

/**
 * The authorizer's core, with no knowledge of Lambda: the shared
 * authenticator, the route role rules and the in-instance decision cache.
 * A decision does not depend on the route that asked for it, so one cached
 * decision serves every route and API Gateway may cache it too.
 */
export function createDecider(deps: DeciderDeps): Decider {
  const rules = compileRouteRules(deps.routeRoles);
  const cache = createDecisionCache<Decision>({
    ttlSeconds: deps.decisionCacheSeconds,
    clock: deps.clock,
    ...(deps.maxCacheEntries !== undefined ? { maxEntries: deps.maxCacheEntries } : {}),
  });

  return Object.freeze({
    rules,
    async decide(token: string): Promise<Decision> {
      const cached = cache.get(token);
      if (cached) return cached;
      const { user, token: record } = await deps.authenticator.authenticate(token);
      const identity: Identity = Object.freeze({
        userId: user.id,
        email: user.email,
        roles: Object.freeze([...user.roles]),
        tokenId: record.id,
        tokenKind: record.kind,
        ...(record.expiresAt !== undefined ? { expiresAt: record.expiresAt } : {}),
      });
      const denied = rules.deniedFor(identity.roles);
      const decision: Decision = Object.freeze({
        identity,
        denied,
        allows: (method: string, path: string) => routeAllowed(rules, denied, method, path),
      });
      cache.set(token, decision, record.expiresAt);
      return decision;
    },
  });
}
