import { HTTP_METHODS } from '../../shared/authorizer/route-rules.js';
import type { Decision } from '../../shared/authorizer/decide.js';
import { routeArn, wholeStageArn, type ExecuteApiArn } from './execute-api-arn.js';

/** One statement of an authorizer policy. */
export interface PolicyStatement {
  Action: 'execute-api:Invoke';
  Effect: 'Allow' | 'Deny';
  Resource: string | string[];
}

/** The policy document of an IAM-format authorizer response. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/**
 * The policy for a decision, cache-safe: it names no route of this request.
 * Allow covers the whole API stage; one Deny lists every route the user's
 * roles do not reach (Deny wins in IAM). So API Gateway may reuse it for
 * any route the same token calls next, and the answer stays correct.
 */
export function policyFor(arn: ExecuteApiArn, decision: Decision): PolicyDocument {
  const Statement: PolicyStatement[] = [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: wholeStageArn(arn) }];
  const denied: string[] = [];
  for (const rule of decision.denied) {
    // IAM's `*` also spans `/`, so "any method" is spelled out method by method.
    for (const method of rule.method === '*' ? HTTP_METHODS : [rule.method]) {
      const resource = routeArn(arn, method, rule.path);
      if (!denied.includes(resource)) denied.push(resource);
    }
  }
  if (denied.length > 0) Statement.push({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: denied });
  return { Version: '2012-10-17', Statement };
}
