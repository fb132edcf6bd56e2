import { ConfigError, type RouteRoles } from '../config.js';

/**
 * The HTTP methods API Gateway puts in a method ARN. A rule for any method
 * (`*`) is written out per method in IAM policies, because IAM's `*` would
 * also match across the `/` between method and path.
 */
export const HTTP_METHODS = Object.freeze(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'] as const);

/** One route role rule: requests it matches need one of `roles`. */
export interface RouteRule {
  /** As configured, e.g. `"GET /reports/*"`. */
  readonly pattern: string;
  /** An upper-case method, or `*` for any. */
  readonly method: string;
  /** The path pattern, starting with `/`; `*` matches any run of characters (also `/`), `?` one character. */
  readonly path: string;
  /** The user needs at least one of these. */
  readonly roles: readonly string[];
}

/** The compiled rule set. */
export interface RouteRules {
  /** Every rule, sorted by pattern, so output built from them never depends on configuration order. */
  readonly rules: readonly RouteRule[];
  /** The rules whose roles a user with `roles` lacks: the routes that user may not call. */
  deniedFor(roles: readonly string[]): readonly RouteRule[];
  /** True when `rule` matches the request's method and path. */
  matches(rule: RouteRule, method: string, path: string): boolean;
}

/**
 * Glob to regular expression with IAM resource semantics (`*` any run of
 * characters, including `/`; `?` exactly one), so the decision an HTTP API
 * gets from these rules is the one API Gateway reaches from the REST policy.
 */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 's');
}

/**
 * Compiles `PATGATE_ROUTE_ROLES` (already shape-checked by the config) into
 * rules. A route matched by several rules must satisfy every one of them,
 * as the Deny statements they become would each deny on their own.
 * Throws {@link ConfigError} for a pattern that cannot work.
 */
export function compileRouteRules(routeRoles: RouteRoles): RouteRules {
  const rules: RouteRule[] = [];
  const matchers = new Map<RouteRule, RegExp>();
  for (const pattern of Object.keys(routeRoles).sort()) {
    const space = pattern.indexOf(' ');
    const method = pattern.slice(0, space);
    const path = pattern.slice(space + 1);
    if (method !== '*' && !(HTTP_METHODS as readonly string[]).includes(method)) {
      throw new ConfigError(`PATGATE_ROUTE_ROLES: route "${pattern}" has an unknown method; use one of ${HTTP_METHODS.join(', ')} or *`);
    }
    if (!path.startsWith('/') || /[{}$]/.test(path)) {
      // API Gateway sends the request's real path, never a template like /pets/{id}.
      throw new ConfigError(`PATGATE_ROUTE_ROLES: route "${pattern}" must be a plain path such as "/reports/*"; write path parameters as *`);
    }
    const rule: RouteRule = Object.freeze({ pattern, method, path, roles: Object.freeze([...routeRoles[pattern]!]) });
    rules.push(rule);
    matchers.set(rule, globToRegExp(path));
  }
  Object.freeze(rules);

  return Object.freeze({
    rules,
    deniedFor(roles: readonly string[]) {
      return rules.filter((rule) => !rule.roles.some((r) => roles.includes(r)));
    },
    matches(rule: RouteRule, method: string, path: string) {
      return (rule.method === '*' || rule.method === method) && matchers.get(rule)!.test(path);
    },
  });
}

/** True when a user whose denied rules are `denied` may call `method path`. */
export function routeAllowed(rules: RouteRules, denied: readonly RouteRule[], method: string, path: string): boolean {
  return !denied.some((rule) => rules.matches(rule, method, path));
}
