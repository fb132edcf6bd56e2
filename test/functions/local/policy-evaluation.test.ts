import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../../functions/local/policy-evaluation.js';

const ARN = 'arn:aws:execute-api:local-1:000000000000:local/local/GET/demo/admin/whoami';
const stmt = (Effect: string, Resource: string | string[], extra: Record<string, unknown> = {}) => ({ Action: 'execute-api:Invoke', Effect, Resource, ...extra });
const policy = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });

describe('policy evaluation (local gateway)', () => {
  it('allows what an Allow covers, with IAM wildcards', () => {
    expect(evaluatePolicy(policy(stmt('Allow', 'arn:aws:execute-api:local-1:000000000000:local/local/*/*')), ARN)).toBe('allow');
    expect(evaluatePolicy(policy(stmt('Allow', 'arn:aws:execute-api:local-1:000000000000:local/local/GET/demo/?dmin/*')), ARN)).toBe('allow');
  });

  it('denies by default and when an explicit Deny matches, whatever the order', () => {
    expect(evaluatePolicy(policy(), ARN)).toBe('deny');
    expect(evaluatePolicy(policy(stmt('Allow', 'arn:aws:execute-api:local-1:000000000000:other/local/*/*')), ARN)).toBe('deny');
    const allow = stmt('Allow', '*');
    const deny = stmt('Deny', ['arn:aws:execute-api:local-1:000000000000:local/local/GET/demo/admin/*']);
    expect(evaluatePolicy(policy(allow, deny), ARN)).toBe('deny');
    expect(evaluatePolicy(policy(deny, allow), ARN)).toBe('deny');
  });

  it('matches resources case-sensitively and actions case-insensitively', () => {
    expect(evaluatePolicy(policy(stmt('Allow', ARN.toUpperCase())), ARN)).toBe('deny');
    expect(evaluatePolicy(policy({ Action: 'EXECUTE-API:*', Effect: 'Allow', Resource: ARN }), ARN)).toBe('allow');
  });

  it('fails closed on statements it cannot read', () => {
    expect(evaluatePolicy(policy(stmt('Allow', '*', { Condition: { Bool: { x: 'true' } } })), ARN)).toBe('deny');
    expect(evaluatePolicy(policy(stmt('Allow', '*'), { Effect: 'Deny', NotResource: 'x', Action: '*' }), ARN)).toBe('deny');
    expect(evaluatePolicy(null, ARN)).toBe('deny');
    expect(evaluatePolicy({ Statement: 'nonsense' }, ARN)).toBe('deny');
  });
});
