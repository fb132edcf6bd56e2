/**
 * Evaluates an authorizer's IAM policy for one method ARN the way API Gateway
 * does: an explicit Deny wins, then an Allow is needed, else it is denied.
 * Wildcards follow IAM: `*` any run of characters (also `/`), `?` one.
 */

/** A statement as an authorizer returns it. */
export interface PolicyStatementLike {
  Effect?: unknown;
  Action?: unknown;
  Resource?: unknown;
  [key: string]: unknown;
}

/** The outcome for one request. */
export type PolicyOutcome = 'allow' | 'deny';

const INVOKE = 'execute-api:Invoke';

function globMatches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const body = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's').test(value);
}

const list = (v: unknown): string[] | undefined =>
  typeof v === 'string' ? [v] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

const KNOWN_KEYS = new Set(['Effect', 'Action', 'Resource', 'Sid']);

/** A statement this evaluator fully understands (NotAction, Condition… are not). */
function readable(statement: PolicyStatementLike): boolean {
  return Object.keys(statement).every((k) => KNOWN_KEYS.has(k)) && list(statement.Action) !== undefined && list(statement.Resource) !== undefined;
}

/** True when a readable statement covers invoking `methodArn`. */
function covers(statement: PolicyStatementLike, methodArn: string): boolean {
  return list(statement.Action)!.some((a) => globMatches(a, INVOKE, true)) && list(statement.Resource)!.some((r) => globMatches(r, methodArn, false));
}

/** The outcome of `policyDocument` for a request to `methodArn`. */
export function evaluatePolicy(policyDocument: unknown, methodArn: string): PolicyOutcome {
  const raw = (policyDocument as { Statement?: unknown } | null)?.Statement;
  const statements = (Array.isArray(raw) ? raw : raw ? [raw] : []).filter((s): s is PolicyStatementLike => typeof s === 'object' && s !== null);
  // Fail closed: a Deny we cannot read still denies; an Allow we cannot read never allows.
  if (statements.some((s) => s.Effect === 'Deny' && (!readable(s) || covers(s, methodArn)))) return 'deny';
  return statements.some((s) => s.Effect === 'Allow' && readable(s) && covers(s, methodArn)) ? 'allow' : 'deny';
}
