/**
 * The local stand-in for an API Gateway REST route behind a Lambda REQUEST
 * authorizer: it calls the authorizer bundle with the event API Gateway
 * would send, applies the answer as API Gateway does, and on Allow calls the
 * route's handler with the authorizer context attached.
 */
import type { ServerResponse } from 'node:http';
import { evaluatePolicy } from './policy-evaluation.js';
import { methodArn, writeError, writeResult, type ProxyResult, type RestProxyEvent } from './lambda-gateway.js';

/** A Lambda handler as the local gateway calls it. */
type LambdaHandler<E, R> = (event: E, context: unknown) => Promise<R>;

/** The REST REQUEST authorizer event the gateway builds: the proxy event's request fields plus the method ARN. */
export type RestRequestAuthorizerEvent = Omit<RestProxyEvent, 'body' | 'isBase64Encoded'> & { type: 'REQUEST'; methodArn: string };

/** The route role rules `npm start` uses when `PATGATE_ROUTE_ROLES` is not set: the demo admin route needs `admin`. */
export const DEMO_ROUTE_ROLES = Object.freeze({ '* /demo/admin/*': ['admin'] });

/** The demo routes `npm start` serves behind the authorizer. */
export const DEMO_ROUTES = Object.freeze(['GET /demo/whoami', 'GET /demo/admin/whoami']);

/** What {@link createAuthorizedRoutes} needs. */
export interface AuthorizedRoutesDeps {
  /** The authorizer bundle's handler. */
  authorizer: LambdaHandler<RestRequestAuthorizerEvent, unknown>;
  /** The handler behind the authorizer. */
  downstream: LambdaHandler<RestProxyEvent, ProxyResult>;
  /** `"METHOD /path"` of every route the handler serves. */
  routes: readonly string[];
  /** Told about authorizer failures (never with the token). */
  onError?: (message: string, err: unknown) => void;
}

const lambdaContext = (requestId: string) => ({ awsRequestId: requestId, functionName: 'local', getRemainingTimeInMillis: () => 10_000 });

const isScalar = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** The authorizer event API Gateway sends for a REST proxy request. */
export function toAuthorizerEvent(event: RestProxyEvent): RestRequestAuthorizerEvent {
  return {
    type: 'REQUEST',
    methodArn: methodArn(event.httpMethod, event.path),
    resource: event.resource,
    path: event.path,
    httpMethod: event.httpMethod,
    headers: event.headers,
    multiValueHeaders: event.multiValueHeaders,
    queryStringParameters: event.queryStringParameters,
    multiValueQueryStringParameters: event.multiValueQueryStringParameters,
    pathParameters: event.pathParameters,
    stageVariables: null,
    requestContext: event.requestContext,
  };
}

/**
 * Serves routes behind the authorizer, mapping its outcomes as API Gateway
 * does: `Error("Unauthorized")` → 401, a policy that does not allow this
 * method ARN (Deny wins) → 403, any other failure or a malformed answer →
 * 500. Errors use patgate's JSON shape, with the request id.
 */
export function createAuthorizedRoutes(deps: AuthorizedRoutesDeps) {
  const routes = new Set(deps.routes);
  return async function serve(res: ServerResponse, event: RestProxyEvent): Promise<void> {
    const requestId = event.requestContext.requestId;
    // As on API Gateway, an unknown route never reaches the authorizer.
    if (!routes.has(`${event.httpMethod} ${event.path}`)) return writeError(res, 404, `no such endpoint: ${event.httpMethod} ${event.path}`, requestId);

    const authorizerEvent = toAuthorizerEvent(event);
    let answer: unknown;
    try {
      answer = await deps.authorizer(authorizerEvent, lambdaContext(requestId));
    } catch (err) {
      if (err instanceof Error && err.message === 'Unauthorized') {
        const sent = Object.keys(event.headers).some((h) => h.toLowerCase() === 'authorization');
        return writeError(res, 401, 'unauthorized: send a valid patgate token as Authorization: Bearer <token>', requestId, {
          'WWW-Authenticate': sent ? 'Bearer realm="patgate", error="invalid_token"' : 'Bearer realm="patgate"',
          'Cache-Control': 'no-store',
        });
      }
      deps.onError?.('authorizer failed', err);
      return writeError(res, 500, 'internal error', requestId);
    }

    const { principalId, policyDocument, context } = (answer ?? {}) as { principalId?: unknown; policyDocument?: unknown; context?: unknown };
    const contextEntries = context === undefined || context === null ? [] : typeof context === 'object' ? Object.entries(context) : undefined;
    // API Gateway answers 500 for an answer it cannot use, such as an object in the context.
    if (typeof principalId !== 'string' || !contextEntries || !contextEntries.every(([, v]) => isScalar(v))) {
      deps.onError?.('authorizer answer malformed', new Error('malformed authorizer answer'));
      return writeError(res, 500, 'internal error', requestId);
    }
    if (evaluatePolicy(policyDocument, authorizerEvent.methodArn) !== 'allow') {
      return writeError(res, 403, 'forbidden: your roles do not allow this route', requestId, { 'Cache-Control': 'no-store' });
    }

    // Downstream, API Gateway hands over the context with every value as a string.
    const authorizer: Record<string, string> = { principalId };
    for (const [k, v] of contextEntries) authorizer[k] = String(v);
    writeResult(res, await deps.downstream({ ...event, requestContext: { ...event.requestContext, authorizer } }, lambdaContext(requestId)));
  };
}
