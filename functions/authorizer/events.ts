/**
 * The authorizer events API Gateway sends, and how to tell them apart.
 * Only the fields patgate reads are typed; API Gateway sends more.
 */
import { MAX_TOKEN_LENGTH } from '../../shared/tokens/claims.js';
import { parseExecuteApiArn, type ExecuteApiArn } from './execute-api-arn.js';
import { UnsupportedEventError } from './unsupported-event-error.js';

type Headers = Record<string, string | undefined> | null | undefined;
type MultiValueHeaders = Record<string, string[] | undefined> | null | undefined;

/** REST API TOKEN authorizer input: the identity source's value only. */
export interface RestTokenEvent {
  type: 'TOKEN';
  authorizationToken: string;
  methodArn: string;
}

/** REST API REQUEST authorizer input (also HTTP API payload 1.0, with `version: "1.0"`). */
export interface RestRequestEvent {
  type: 'REQUEST';
  version?: '1.0';
  methodArn: string;
  headers?: Headers;
  multiValueHeaders?: MultiValueHeaders;
  httpMethod?: string;
  path?: string;
  requestContext?: { requestId?: string; apiId?: string; stage?: string };
}

/** HTTP API REQUEST authorizer input, payload 2.0 (answered with simple responses). */
export interface HttpV2Event {
  version: '2.0';
  type: 'REQUEST';
  routeArn: string;
  routeKey?: string;
  identitySource?: string[] | null;
  headers?: Headers;
  requestContext?: { requestId?: string; http?: { method?: string; path?: string } };
}

/** Any authorizer event the handler answers. */
export type AuthorizerEvent = RestTokenEvent | RestRequestEvent | HttpV2Event;

/** Which of the documented event kinds an event is. */
export type EventKind = 'rest-token' | 'rest-request' | 'http-1.0' | 'http-2.0';

/** An event reduced to what the decision needs. */
export interface RecognizedEvent {
  readonly kind: EventKind;
  /** `iam` answers with a policy document; `simple` with `{ isAuthorized }`. */
  readonly format: 'iam' | 'simple';
  /** The method or route ARN: API, stage, method and path of this request. */
  readonly arn: ExecuteApiArn;
  /** The Authorization value, or why there is none to use. */
  readonly authorization: { value: string } | { problem: string };
  readonly requestId?: string;
}

// A header far longer than any token is refused before it is parsed.
const MAX_HEADER_LENGTH = MAX_TOKEN_LENGTH + 64;

/**
 * Finds the one Authorization value among headers whose names may have any
 * case. Several values (repeated headers, or differently-cased copies that
 * disagree) are refused rather than guessed between.
 */
export function authorizationFrom(headers: Headers, multiValueHeaders?: MultiValueHeaders): RecognizedEvent['authorization'] {
  const single: string[] = [];
  const multi: string[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value === 'string' && name.toLowerCase() === 'authorization') single.push(value);
  }
  for (const [name, values] of Object.entries(multiValueHeaders ?? {})) {
    if (Array.isArray(values) && name.toLowerCase() === 'authorization') multi.push(...values);
  }
  const all = new Set([...single, ...multi]);
  if (multi.length > 1 || all.size > 1) return { problem: 'several Authorization headers' };
  return checked([...all][0]);
}

function checked(value: string | undefined): RecognizedEvent['authorization'] {
  if (value === undefined || value.trim() === '') return { problem: 'no Authorization header' };
  if (value.length > MAX_HEADER_LENGTH) return { problem: 'an Authorization header longer than any token' };
  return { value };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Recognizes an authorizer event. Throws {@link UnsupportedEventError} for
 * anything else: that is a configuration mistake, never a refused token.
 */
export function recognizeEvent(event: unknown): RecognizedEvent {
  if (!isObject(event)) throw new UnsupportedEventError('the authorizer event is not an object');
  const requestContext = isObject(event.requestContext) ? event.requestContext : {};
  const requestId = typeof requestContext.requestId === 'string' ? { requestId: requestContext.requestId } : {};

  if (event.version === '2.0') {
    if (event.type !== 'REQUEST' || typeof event.routeArn !== 'string') {
      throw new UnsupportedEventError('an HTTP API 2.0 authorizer event needs type REQUEST and a routeArn');
    }
    const e = event as unknown as HttpV2Event;
    return { kind: 'http-2.0', format: 'simple', arn: parseExecuteApiArn(e.routeArn), authorization: authorizationFrom(e.headers), ...requestId };
  }
  if (typeof event.methodArn !== 'string') throw new UnsupportedEventError('the authorizer event has neither a methodArn nor a routeArn');
  const arn = parseExecuteApiArn(event.methodArn);
  if (event.type === 'TOKEN') {
    const token = event.authorizationToken;
    return { kind: 'rest-token', format: 'iam', arn, authorization: checked(typeof token === 'string' ? token : undefined), ...requestId };
  }
  if (event.type === 'REQUEST') {
    const e = event as unknown as RestRequestEvent;
    return {
      kind: e.version === '1.0' ? 'http-1.0' : 'rest-request',
      format: 'iam',
      arn,
      authorization: authorizationFrom(e.headers, e.multiValueHeaders),
      ...requestId,
    };
  }
  throw new UnsupportedEventError(`unsupported authorizer event type "${String(event.type).slice(0, 20)}"`);
}
