/**
 * The Lambda authorizer, built from its parts: recognizes the event, asks
 * the decider (shared/authorizer) and answers in the format the event needs.
 * `handler.ts` wires the real parts once; tests pass their own.
 */
import { bearerToken, type Authenticator } from '../../shared/auth/authenticator.js';
import { createDecider, type Decision } from '../../shared/authorizer/decide.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import type { Config } from '../../shared/config.js';
import { isAppError } from '../../shared/errors.js';
import { describeError, silentLogger, type Logger } from '../../shared/logger.js';
import type { Runtime } from '../../shared/runtime.js';
import { restContext, simpleContext, type RestContext, type SimpleContext } from './authorizer-context.js';
import { recognizeEvent, type AuthorizerEvent, type RecognizedEvent } from './events.js';
import { policyFor, type PolicyDocument } from './iam-policy.js';

/** REST and HTTP 1.0 answer: a policy for the principal. */
export interface IamAuthorizerResponse {
  principalId: string;
  policyDocument: PolicyDocument;
  context: RestContext;
}

/** HTTP API 2.0 simple answer. */
export interface SimpleAuthorizerResponse {
  isAuthorized: boolean;
  context?: SimpleContext;
}

/** Any answer of the handler. */
export type AuthorizerResponse = IamAuthorizerResponse | SimpleAuthorizerResponse;

/** The parts the handler is built from: a runtime, or the pieces it would give. */
export type AuthorizerHandlerDeps =
  | { runtime: Pick<Runtime, 'authenticator' | 'config' | 'clock'>; logger?: Logger }
  | { authenticator: Authenticator; config: Pick<Config, 'routeRoles' | 'decisionCacheSeconds'>; clock?: Clock; logger?: Logger };

/** The slice of the Lambda context the handler reads. */
export interface LambdaContextLike {
  awsRequestId?: string;
}

/** The authorizer handler. */
export type AuthorizerHandler = (event: AuthorizerEvent, context?: LambdaContextLike) => Promise<AuthorizerResponse>;

/** The one message API Gateway turns into a 401. Nothing else may carry it. */
const UNAUTHORIZED = 'Unauthorized';

/**
 * Builds the authorizer handler. Build it once per Lambda instance: the
 * decider's cache lives as long as the handler does.
 *
 * Outcomes:
 * - refused or unusable token: `Error("Unauthorized")` (IAM formats) or
 *   `{ isAuthorized: false }` (HTTP 2.0);
 * - store failure or anything unexpected: an ordinary error (API Gateway
 *   answers 500), logged without the token; never an Allow.
 */
export function createAuthorizerHandler(deps: AuthorizerHandlerDeps): AuthorizerHandler {
  const parts = 'runtime' in deps ? { authenticator: deps.runtime.authenticator, config: deps.runtime.config, clock: deps.runtime.clock } : deps;
  const logger = deps.logger ?? silentLogger;
  const decider = createDecider({
    authenticator: parts.authenticator,
    routeRoles: parts.config.routeRoles,
    decisionCacheSeconds: parts.config.decisionCacheSeconds,
    clock: parts.clock ?? systemClock,
  });

  function refuse(event: RecognizedEvent, requestId: string | undefined, reason: string): AuthorizerResponse {
    logger.info('token refused', { request_id: requestId, event: event.kind, reason });
    if (event.format === 'simple') return { isAuthorized: false };
    throw new Error(UNAUTHORIZED);
  }

  async function handle(event: AuthorizerEvent, context?: LambdaContextLike): Promise<AuthorizerResponse> {
    let recognized: RecognizedEvent;
    try {
      recognized = recognizeEvent(event);
    } catch (err) {
      logger.error('unsupported authorizer event', { request_id: context?.awsRequestId, ...describeError(err) });
      throw new Error('the authorizer cannot answer this event');
    }
    const requestId = recognized.requestId ?? context?.awsRequestId;
    const { authorization } = recognized;
    if ('problem' in authorization) return refuse(recognized, requestId, authorization.problem);
    const token = bearerToken(authorization.value);
    if (!token) return refuse(recognized, requestId, 'the Authorization header is not "Bearer <token>"');

    let decision: Decision;
    try {
      decision = await decider.decide(token);
    } catch (err) {
      if (isAppError(err, 'unauthorized')) return refuse(recognized, requestId, err.message);
      // The token may be fine: answer 500 so the caller retries instead of
      // discarding it, and never let a request through.
      logger.error(isAppError(err, 'unavailable') ? 'token store unavailable' : 'internal error', { request_id: requestId, event: recognized.kind, ...describeError(err) });
      throw new Error('the authorizer could not decide; try again');
    }

    const { identity } = decision;
    if (recognized.format === 'simple') {
      const { method, path } = recognized.arn;
      if (!decision.allows(method, path)) {
        logger.info('route denied by role rules', { request_id: requestId, user_id: identity.userId, method, path });
        return { isAuthorized: false };
      }
      return { isAuthorized: true, context: simpleContext(identity) };
    }
    return { principalId: identity.userId, policyDocument: policyFor(recognized.arn, decision), context: restContext(identity) };
  }

  return handle;
}
