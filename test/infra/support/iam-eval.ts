/**
 * A small evaluator of the IAM statements in a synthesized template, enough
 * to ask "would this exact request be allowed?" for the requests patgate's
 * code really sends (recorded from the SDK). It knows the condition
 * operators the stacks use and throws on any other, so a new operator can
 * never pass unnoticed.
 */
import type { Template } from 'aws-cdk-lib/assertions';

/** One IAM statement as it appears in a template. */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** A request: the action, the resource (as a template expression) and the condition keys' values. */
export interface IamRequest {
  action: string;
  resource: unknown;
  context: Record<string, string | readonly string[] | undefined>;
}

const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const glob = (pattern: string) => new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&'))).join('')}$`, 's');

/** Every statement of the identity policies attached to the role with `roleLogicalId`. */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const statements: Statement[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const props = policy.Properties as { Roles?: unknown[]; PolicyDocument: { Statement: Statement[] } };
    if ((props.Roles ?? []).some((r) => same(r, { Ref: roleLogicalId }))) statements.push(...props.PolicyDocument.Statement);
  }
  const role = template.findResources('AWS::IAM::Role')[roleLogicalId];
  for (const inline of ((role?.Properties as { Policies?: Array<{ PolicyDocument: { Statement: Statement[] } }> })?.Policies ?? [])) {
    statements.push(...inline.PolicyDocument.Statement);
  }
  return statements;
}

function conditionHolds(operator: string, key: string, expected: unknown, context: IamRequest['context']): boolean {
  const wanted = asArray(expected as string | string[]).map(String);
  const actual = context[key];
  const values = actual === undefined ? undefined : asArray(actual as string | string[]);
  switch (operator) {
    case 'StringEquals':
      return values !== undefined && values.length === 1 && wanted.includes(values[0]!);
    case 'StringEqualsIfExists':
      return values === undefined || (values.length === 1 && wanted.includes(values[0]!));
    // IAM's set operators: true for a missing key (an empty set), as on AWS.
    case 'ForAllValues:StringEquals':
      return (values ?? []).every((v) => wanted.includes(v));
    case 'ForAllValues:StringLike':
      return (values ?? []).every((v) => wanted.some((p) => glob(p).test(v)));
    default:
      throw new Error(`the test evaluator does not know condition operator ${operator}`);
  }
}

function matches(statement: Statement, request: IamRequest): boolean {
  const actionOk = asArray(statement.Action).some((a) => glob(a).test(request.action));
  const resourceOk = asArray(statement.Resource).some((r) => r === '*' || same(r, request.resource));
  if (!actionOk || !resourceOk) return false;
  return Object.entries(statement.Condition ?? {}).every(([op, keys]) => Object.entries(keys).every(([key, value]) => conditionHolds(op, key, value, request.context)));
}

/** True when some Allow statement matches and no Deny does. */
export function allows(statements: readonly Statement[], request: IamRequest): boolean {
  if (statements.some((s) => s.Effect === 'Deny' && matches(s, request))) return false;
  return statements.some((s) => s.Effect === 'Allow' && matches(s, request));
}

const EXPRESSION_WORDS = new Set(['SET', 'REMOVE', 'ADD', 'DELETE', 'AND', 'OR', 'NOT', 'BETWEEN', 'IN', 'attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains', 'size', 'if_not_exists', 'list_append']);

/** Top-level attribute names a DynamoDB request touches: its key and every name in its expressions (`dynamodb:Attributes`). */
export function attributesOf(input: Record<string, unknown>): string[] {
  const names = new Set<string>(Object.keys((input.Key as Record<string, unknown>) ?? {}));
  const aliases = (input.ExpressionAttributeNames as Record<string, string>) ?? {};
  for (const field of ['UpdateExpression', 'ConditionExpression', 'ProjectionExpression', 'KeyConditionExpression', 'FilterExpression']) {
    const expression = input[field];
    if (typeof expression !== 'string') continue;
    for (const [token] of expression.matchAll(/[#:]?[A-Za-z_][A-Za-z0-9_]*/g)) {
      if (token.startsWith(':') || EXPRESSION_WORDS.has(token)) continue;
      names.add(token.startsWith('#') ? aliases[token]! : token);
    }
  }
  return [...names];
}
