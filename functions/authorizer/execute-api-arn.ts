import { UnsupportedEventError } from './unsupported-event-error.js';

/** The parts of an `arn:…:execute-api:…` method or route ARN. */
export interface ExecuteApiArn {
  /** `arn:<partition>:execute-api:<region>:<account>` */
  readonly prefix: string;
  readonly apiId: string;
  readonly stage: string;
  /** The HTTP method of this request. */
  readonly method: string;
  /** The request path, starting with `/`. */
  readonly path: string;
}

const ARN = /^(arn:[a-z-]+:execute-api:[a-z0-9-]*:\d*):([A-Za-z0-9]+)\/([^/]+)\/([A-Z]+|\*)(\/.*)?$/s;

/** Parses a method ARN (REST, HTTP 1.0) or route ARN (HTTP 2.0). */
export function parseExecuteApiArn(arn: string): ExecuteApiArn {
  const m = ARN.exec(arn);
  if (!m) throw new UnsupportedEventError('the authorizer event carries no valid execute-api ARN');
  return Object.freeze({ prefix: m[1]!, apiId: m[2]!, stage: m[3]!, method: m[4]!, path: m[5] || '/' });
}

/** The ARN of every method and path of the ARN's API and stage. */
export const wholeStageArn = (arn: ExecuteApiArn): string => `${arn.prefix}:${arn.apiId}/${arn.stage}/*/*`;

/** The ARN of `method path` in the ARN's API and stage (patterns allowed). */
export const routeArn = (arn: ExecuteApiArn, method: string, path: string): string => `${arn.prefix}:${arn.apiId}/${arn.stage}/${method}${path}`;
