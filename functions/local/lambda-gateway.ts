import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The subset of an API Gateway REST proxy event the local gateway builds. */
export interface RestProxyEvent {
  resource: string;
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
  pathParameters: Record<string, string> | null;
  stageVariables: null;
  requestContext: {
    accountId: string;
    apiId: string;
    resourceId: string;
    resourcePath: string;
    httpMethod: string;
    path: string;
    stage: string;
    requestId: string;
    requestTimeEpoch: number;
    identity: { sourceIp: string; userAgent: string | null };
    authorizer?: Record<string, string>;
  };
  body: string | null;
  isBase64Encoded: boolean;
}

/** A Lambda proxy result, as API Gateway expects it. */
export interface ProxyResult {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, Array<string | number | boolean>>;
  body?: string;
  isBase64Encoded?: boolean;
}

/** The fake account, API id and stage the local gateway uses in ARNs and events. */
export const LOCAL_API = Object.freeze({ region: 'local-1', accountId: '000000000000', apiId: 'local', stage: 'local' });

/** The methodArn API Gateway would send for this method and path. */
export const methodArn = (method: string, path: string): string =>
  `arn:aws:execute-api:${LOCAL_API.region}:${LOCAL_API.accountId}:${LOCAL_API.apiId}/${LOCAL_API.stage}/${method}${path}`;

/** Reads a request body fully (callers cap size upstream). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Keep reading past the limit would buffer an attacker's stream; stop.
    if (size > limit) return 'too_large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Builds a REST proxy event from a node request, as API Gateway would. */
export function toRestEvent(req: IncomingMessage, body: Buffer): RestProxyEvent {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const value = req.rawHeaders[i + 1]!;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) {
    query[k] = v;
    (multiQuery[k] ??= []).push(v);
  }
  const method = req.method ?? 'GET';
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: '/{proxy+}',
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: { proxy: url.pathname.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: LOCAL_API.accountId,
      apiId: LOCAL_API.apiId,
      resourceId: 'local',
      resourcePath: '/{proxy+}',
      httpMethod: method,
      path: `/${LOCAL_API.stage}${url.pathname}`,
      stage: LOCAL_API.stage,
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: req.headers['user-agent'] ?? null },
    },
    body: body.length > 0 ? body.toString('base64') : null,
    isBase64Encoded: body.length > 0,
  };
}

/** Writes a Lambda proxy result to a node response. */
export function writeResult(res: ServerResponse, result: ProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  for (const [k, vs] of Object.entries(result.multiValueHeaders ?? {})) headers[k] = vs.map(String);
  res.writeHead(result.statusCode, headers);
  res.end(result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'));
}

/** Writes a JSON error the way patgate's API does. */
export function writeError(res: ServerResponse, status: number, error: string, requestId: string, extraHeaders: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...extraHeaders });
  res.end(JSON.stringify({ error, request_id: requestId }));
}
