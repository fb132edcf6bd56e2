/**
 * API Gateway authorizer events, built in the documented shapes (see the
 * AWS developer guide, "Input to an API Gateway Lambda authorizer" and
 * "Control access to HTTP APIs with AWS Lambda authorizers").
 */
import { randomUUID } from 'node:crypto';

/** Where a test request goes. */
export interface Route {
  method?: string;
  path?: string;
  apiId?: string;
  stage?: string;
  region?: string;
  accountId?: string;
}

const defaults = { method: 'GET', path: '/reports/2026', apiId: 'a1b2c3d4e5', stage: 'prod', region: 'eu-west-1', accountId: '123456789012' };

/** The method ARN API Gateway sends for a route. */
export function arnFor(route: Route = {}): string {
  const r = { ...defaults, ...route };
  return `arn:aws:execute-api:${r.region}:${r.accountId}:${r.apiId}/${r.stage}/${r.method}${r.path}`;
}

/** The ARN covering every route of the route's API and stage. */
export function stageArn(route: Route = {}): string {
  const r = { ...defaults, ...route };
  return `arn:aws:execute-api:${r.region}:${r.accountId}:${r.apiId}/${r.stage}/*/*`;
}

/** A REST API TOKEN authorizer event. */
export function restTokenEvent(authorizationToken: string, route: Route = {}) {
  return { type: 'TOKEN' as const, authorizationToken, methodArn: arnFor(route) };
}

/** A REST API REQUEST authorizer event; `headers` as the client sent them (any case). */
export function restRequestEvent(headers: Record<string, string>, route: Route = {}, multiValueHeaders?: Record<string, string[]>) {
  const r = { ...defaults, ...route };
  return {
    type: 'REQUEST' as const,
    methodArn: arnFor(r),
    resource: r.path,
    path: r.path,
    httpMethod: r.method,
    headers: { Accept: '*/*', Host: `${r.apiId}.execute-api.${r.region}.amazonaws.com`, ...headers },
    multiValueHeaders: multiValueHeaders ?? Object.fromEntries(Object.entries({ Accept: '*/*', ...headers }).map(([k, v]) => [k, [v]])),
    queryStringParameters: {},
    multiValueQueryStringParameters: {},
    pathParameters: {},
    stageVariables: {},
    requestContext: {
      resourceId: 'w567jh',
      resourcePath: r.path,
      httpMethod: r.method,
      path: `/${r.stage}${r.path}`,
      accountId: r.accountId,
      protocol: 'HTTP/1.1',
      stage: r.stage,
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      identity: { sourceIp: '192.0.2.1', userAgent: 'test' },
      apiId: r.apiId,
    },
  };
}

/** An HTTP API payload 1.0 REQUEST authorizer event. */
export function httpV1Event(headers: Record<string, string>, route: Route = {}) {
  const r = { ...defaults, ...route };
  const authorization = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1] ?? '';
  return {
    version: '1.0' as const,
    type: 'REQUEST' as const,
    methodArn: arnFor(r),
    identitySource: authorization,
    authorizationToken: authorization,
    resource: r.path,
    path: r.path,
    httpMethod: r.method,
    headers,
    queryStringParameters: {},
    pathParameters: {},
    stageVariables: {},
    requestContext: { path: r.path, accountId: r.accountId, resourceId: 'x', stage: r.stage, requestId: randomUUID(), resourcePath: r.path, httpMethod: r.method, apiId: r.apiId },
  };
}

/** An HTTP API payload 2.0 REQUEST authorizer event (header names lower-case, as HTTP APIs send them). */
export function httpV2Event(headers: Record<string, string>, route: Route = {}) {
  const r = { ...defaults, stage: '$default', ...route };
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    version: '2.0' as const,
    type: 'REQUEST' as const,
    routeArn: arnFor(r),
    identitySource: lower.authorization === undefined ? [] : [lower.authorization],
    routeKey: `${r.method} ${r.path}`,
    rawPath: r.path,
    rawQueryString: '',
    headers: { accept: '*/*', ...lower },
    requestContext: {
      accountId: r.accountId,
      apiId: r.apiId,
      domainName: `${r.apiId}.execute-api.${r.region}.amazonaws.com`,
      http: { method: r.method, path: r.path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey: `${r.method} ${r.path}`,
      stage: r.stage,
      time: '04/Dec/2026:20:00:00 +0000',
      timeEpoch: Date.now(),
    },
  };
}
