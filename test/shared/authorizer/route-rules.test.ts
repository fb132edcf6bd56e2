import { describe, expect, it } from 'vitest';
import { compileRouteRules, routeAllowed } from '../../../shared/authorizer/route-rules.js';
import { ConfigError, parseRouteRoles } from '../../../shared/config.js';

const compile = (rules: Record<string, string[]>) => compileRouteRules(parseRouteRoles(JSON.stringify(rules)));

describe('route rules', () => {
  const rules = compile({ '* /admin/*': ['admin'], 'GET /reports/*': ['auditor', 'admin'], 'POST /reports/?/sign': ['signer'] });
  const allowed = (roles: string[], method: string, path: string) => routeAllowed(rules, rules.deniedFor(roles), method, path);

  it('lets a route with no rule through for any user', () => {
    expect(allowed([], 'GET', '/')).toBe(true);
    expect(allowed([], 'POST', '/orders/1')).toBe(true);
  });

  it('needs one of the listed roles on a matching route', () => {
    expect(allowed(['auditor'], 'GET', '/reports/2026')).toBe(true);
    expect(allowed(['admin'], 'GET', '/reports/2026')).toBe(true);
    expect(allowed(['ops'], 'GET', '/reports/2026')).toBe(false);
  });

  it('matches the method exactly, or any method for *', () => {
    expect(allowed([], 'POST', '/reports/2026')).toBe(true);
    for (const method of ['GET', 'POST', 'DELETE', 'PATCH']) expect(allowed([], method, '/admin/users')).toBe(false);
  });

  it('lets * span several path segments but not the part before it', () => {
    expect(allowed([], 'GET', '/admin/users/1/keys')).toBe(false);
    expect(allowed([], 'GET', '/other/admin/users')).toBe(true);
    // "/admin/*" needs something after the slash, as the IAM resource does.
    expect(allowed([], 'GET', '/admin')).toBe(true);
  });

  it('lets ? match exactly one character', () => {
    expect(allowed([], 'POST', '/reports/7/sign')).toBe(false);
    expect(allowed([], 'POST', '/reports/77/sign')).toBe(true);
    expect(allowed(['signer'], 'POST', '/reports/7/sign')).toBe(true);
  });

  it('treats other characters literally', () => {
    const r = compile({ 'GET /a.b/(x)+': ['x'] });
    expect(routeAllowed(r, r.deniedFor([]), 'GET', '/a.b/(x)+')).toBe(false);
    expect(routeAllowed(r, r.deniedFor([]), 'GET', '/aXb/(x)+')).toBe(true);
  });

  it('requires every matching rule when several match', () => {
    const r = compile({ '* /admin/*': ['admin'], 'DELETE /admin/users/*': ['owner'] });
    expect(routeAllowed(r, r.deniedFor(['admin']), 'DELETE', '/admin/users/1')).toBe(false);
    expect(routeAllowed(r, r.deniedFor(['admin', 'owner']), 'DELETE', '/admin/users/1')).toBe(true);
  });

  it('sorts rules by pattern, so the result never depends on configuration order', () => {
    const a = compile({ 'GET /b/*': ['x'], 'GET /a/*': ['y'] });
    const b = compile({ 'GET /a/*': ['y'], 'GET /b/*': ['x'] });
    expect(a.rules).toEqual(b.rules);
    expect(a.deniedFor([]).map((r) => r.pattern)).toEqual(['GET /a/*', 'GET /b/*']);
  });

  it('refuses at start a pattern with an unknown method or a path template', () => {
    expect(() => compile({ 'FETCH /x': ['a'] })).toThrow(ConfigError);
    expect(() => compile({ 'GET /pets/{id}': ['a'] })).toThrow(/write path parameters as \*/);
  });
});
