import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseRouteRoles } from '../../shared/config.js';

describe('loadConfig', () => {
  it('has documented defaults and is frozen', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      tableName: 'patgate',
      issuer: 'patgate',
      sessionTtlSeconds: 604_800,
      patMaxTtlSeconds: 31_536_000,
      allowNonExpiring: false,
      maxPatsPerUser: 10,
      maxSessionsPerUser: 10,
      clockSkewSeconds: 30,
      decisionCacheSeconds: 5,
      keys: { kind: 'file', path: '.patgate/signing-key.pem' },
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(() => ((c as { issuer: string }).issuer = 'x')).toThrow();
  });

  it('leaves the region to the SDK unless AWS_REGION or AWS_DEFAULT_REGION is set', () => {
    expect(loadConfig({}).region).toBeUndefined();
    expect(loadConfig({ AWS_DEFAULT_REGION: 'eu-north-1' }).region).toBe('eu-north-1');
    expect(loadConfig({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-north-1' }).region).toBe('eu-west-1');
  });

  it('reads KMS key ids, trusting the signing key and the older ones', () => {
    const c = loadConfig({ PATGATE_KMS_KEY_ID: 'new', PATGATE_KMS_VERIFY_KEY_IDS: 'old, new ,' });
    expect(c.keys).toEqual({ kind: 'kms', signingKeyId: 'new', verifyKeyIds: ['new', 'old'] });
  });

  it('fails with a message naming the variable for a bad value', () => {
    expect(() => loadConfig({ PATGATE_MAX_PATS_PER_USER: 'ten' })).toThrow(ConfigError);
    expect(() => loadConfig({ PATGATE_MAX_PATS_PER_USER: 'ten' })).toThrow(/PATGATE_MAX_PATS_PER_USER must be a whole number/);
    expect(() => loadConfig({ PATGATE_MAX_PATS_PER_USER: '0' })).toThrow(/must be from 1 to 1000/);
    expect(() => loadConfig({ PATGATE_ALLOW_NON_EXPIRING: 'yes' })).toThrow(/PATGATE_ALLOW_NON_EXPIRING must be "true" or "false"/);
    expect(() => loadConfig({ PATGATE_SESSION_TTL_SECONDS: '-5' })).toThrow(/PATGATE_SESSION_TTL_SECONDS/);
  });
});

describe('parseRouteRoles', () => {
  it('parses route patterns to role lists', () => {
    expect(parseRouteRoles('{"GET /reports/*":["auditor"],"* /admin/*":["admin"]}')).toEqual({ 'GET /reports/*': ['auditor'], '* /admin/*': ['admin'] });
    expect(parseRouteRoles(undefined)).toEqual({});
  });

  it('refuses malformed rules with a clear message', () => {
    expect(() => parseRouteRoles('not json')).toThrow(/must be a JSON object/);
    expect(() => parseRouteRoles('[]')).toThrow(/must be a JSON object/);
    expect(() => parseRouteRoles('{"/admin":["admin"]}')).toThrow(/route "\/admin" must look like/);
    expect(() => parseRouteRoles('{"GET /a":[]}')).toThrow(/non-empty array of role names/);
    expect(() => parseRouteRoles('{"GET /a":["bad role"]}')).toThrow(/non-empty array of role names/);
  });
});
