/**
 * The stacks of the CDK app, from the app's context (cdk.json or `-c`), with
 * cdk-nag's AwsSolutions checks on every stack: a finding that is not
 * acknowledged with a reason fails the synth. `infra/app.ts` and the tests
 * build the app through here, so they check the same thing.
 */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, parseRouteRoles } from '../shared/config.js';
import { OrdersExampleStack } from './orders-example-stack.js';
import { PatgateStack } from './patgate-stack.js';

/** Context keys the app reads, with their meaning. */
export const CONTEXT = Object.freeze({
  /** Signing key generations, oldest first; the last signs (`["v1"]`, or `"v1,v2"` on the command line). */
  signingKeys: 'patgate:signingKeys',
  /** `PATGATE_ISSUER` (default `patgate`). */
  issuer: 'patgate:issuer',
  /** Route role rules of the shared authorizer (a JSON object). */
  routeRoles: 'patgate:routeRoles',
  /** `false` to deploy without the WAF web ACL. */
  webAcl: 'patgate:webAcl',
  /** `false` when the account already has API Gateway's CloudWatch Logs role. */
  apiGatewayLogsRole: 'patgate:apiGatewayLogsRole',
});

/** The stack names. */
export const STACK_NAMES = Object.freeze({ patgate: 'Patgate', ordersExample: 'PatgateOrdersExample' });

function list(value: unknown, key: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  throw new ConfigError(`context ${key} must be a list of key names, such as ["v1","v2"] or "v1,v2"`);
}

function flag(value: unknown, key: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new ConfigError(`context ${key} must be true or false, got ${JSON.stringify(value)}`);
}

/** Adds the patgate stack and the orders example to `app`, with cdk-nag on both. */
export function addPatgateStacks(app: App): { patgate: PatgateStack; ordersExample: OrdersExampleStack } {
  const ctx = (key: string): unknown => app.node.tryGetContext(key);
  const routeRolesRaw = ctx(CONTEXT.routeRoles);
  const routeRoles =
    routeRolesRaw === undefined ? undefined : parseRouteRoles(typeof routeRolesRaw === 'string' ? routeRolesRaw : JSON.stringify(routeRolesRaw), `context ${CONTEXT.routeRoles}`);
  const signingKeys = list(ctx(CONTEXT.signingKeys), CONTEXT.signingKeys);
  const issuer = ctx(CONTEXT.issuer);
  if (issuer !== undefined && (typeof issuer !== 'string' || issuer.trim() === '')) throw new ConfigError(`context ${CONTEXT.issuer} must be a non-empty string`);
  const webAcl = flag(ctx(CONTEXT.webAcl), CONTEXT.webAcl);
  const apiGatewayLogsRole = flag(ctx(CONTEXT.apiGatewayLogsRole), CONTEXT.apiGatewayLogsRole);

  const patgate = new PatgateStack(app, STACK_NAMES.patgate, {
    description: 'patgate: personal access tokens and a Lambda authorizer',
    ...(signingKeys ? { signingKeys } : {}),
    ...(typeof issuer === 'string' ? { issuer } : {}),
    ...(routeRoles ? { authorizer: { routeRoles } } : {}),
    ...(webAcl !== undefined ? { webAcl } : {}),
    ...(apiGatewayLogsRole !== undefined ? { apiGatewayLogsRole } : {}),
  });
  const ordersExample = new OrdersExampleStack(app, STACK_NAMES.ordersExample, {
    description: 'patgate example: an orders API protected by the patgate authorizer',
    table: patgate.table,
    signingKey: patgate.signingKey,
    verifyKeys: patgate.verifyKeys,
    ...(typeof issuer === 'string' ? { issuer } : {}),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { patgate, ordersExample };
}
