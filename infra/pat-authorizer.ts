/**
 * `PatAuthorizer`: patgate's Lambda authorizer as a construct, for any API
 * that should accept patgate session tokens and personal access tokens.
 *
 * ```ts
 * const pat = new PatAuthorizer(this, 'Pat', { table, signingKey, routeRoles: { '* /admin/*': ['admin'] } });
 * restApi.root.addResource('orders').addMethod('GET', integration, { authorizer: pat.restAuthorizer() });
 * httpApi.addRoutes({ path: '/orders', methods: [HttpMethod.GET], integration, authorizer: pat.httpAuthorizer() });
 * ```
 */
import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { compileRouteRules } from '../shared/authorizer/route-rules.js';
import { ConfigError, loadConfig } from '../shared/config.js';
import { TABLE } from '../shared/table.js';
import { bundleCode } from './bundles.js';
import { PatgateFunction } from './lambda-function.js';

/** The table as the authorizer needs it: `patgate.table`, or `TableV2.fromTableName(...)` for one deployed elsewhere. */
export interface PatgateTableRef {
  readonly tableName: string;
  readonly tableArn: string;
}

/** The attribute the authorizer's `last_used` write sets (see `touchToken` in shared/store/dynamo-store.ts). */
export const LAST_USED_ATTRIBUTE = 'lastUsedAt';

/** Partition key prefix of the items the authorizer reads and touches: a user's profile and token records. */
export const USER_PARTITION_PREFIX = 'USER#';

/** API Gateway's result cache for a token, unless told otherwise. */
export const DEFAULT_RESULTS_CACHE_TTL = Duration.seconds(60);

/** The authorizer's own in-instance decision cache, unless told otherwise (as `PATGATE_DECISION_CACHE_SECONDS`). */
export const DEFAULT_DECISION_CACHE_TTL = Duration.seconds(5);

/**
 * API Gateway's check on the Authorization header of a REST TOKEN
 * authorizer: `Bearer <jwt>` (scheme in any case), as `bearerToken()`
 * accepts. A header that does not match gets a 401 without invoking the
 * function, so garbage costs no Lambda call.
 */
export const BEARER_VALIDATION_REGEX = '^[Bb][Ee][Aa][Rr][Ee][Rr] +[-A-Za-z0-9_.~+/]+=* *$';

/** Properties of {@link PatAuthorizer}. */
export interface PatAuthorizerProps {
  /** The patgate table the tokens and users live in. */
  readonly table: PatgateTableRef;
  /** The KMS key that signs new tokens (its public key is trusted). */
  readonly signingKey: kms.IKey;
  /**
   * Older keys whose tokens are still accepted, during a key rotation.
   * @default - none
   */
  readonly verifyKeys?: readonly kms.IKey[];
  /**
   * The `iss` every token must carry: the patgate deployment's `PATGATE_ISSUER`.
   * @default 'patgate'
   */
  readonly issuer?: string;
  /**
   * Route role rules: route pattern (`"GET /reports/*"`, `"* /admin/*"`) to the
   * roles it needs (any one of them). Checked at synth with the same parser
   * the function uses at cold start. Becomes `PATGATE_ROUTE_ROLES`.
   * @default - no rules: every valid token of an active user is allowed
   */
  readonly routeRoles?: Readonly<Record<string, readonly string[]>>;
  /**
   * How long API Gateway caches a decision per token (REST) or per token and
   * route (HTTP API). 0 turns the cache off; at most one hour. A revoked
   * token can keep working for up to this plus `decisionCacheTtl`.
   * @default Duration.seconds(60)
   */
  readonly resultsCacheTtl?: Duration;
  /**
   * How long the function keeps a decision in memory (`PATGATE_DECISION_CACHE_SECONDS`);
   * 0 turns it off, at most 300 seconds.
   * @default Duration.seconds(5)
   */
  readonly decisionCacheTtl?: Duration;
  /**
   * More environment variables for the function, checked at synth like the
   * rest (for example `PATGATE_CLOCK_SKEW_SECONDS`).
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Memory of the function, in MB. CPU grows with memory; 512 MB keeps the
   * cold start (bundle parse, one GetPublicKey) short.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Timeout of the function. A decision ends within about 2 s even when the
   * store is unreachable (bounded SDK retries), far inside API Gateway's 10 s.
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;
  /** @default Runtime.NODEJS_24_X */
  readonly runtime?: lambda.Runtime;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The function's code.
   * @default - `dist/authorizer` of this checkout, as `npm run build` writes it
   */
  readonly code?: lambda.Code;
}

/**
 * patgate's authorizer function, with least-privilege access to the table
 * and keys, and the API Gateway authorizers that call it.
 */
export class PatAuthorizer extends Construct {
  /** The authorizer function. */
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;
  /** API Gateway's cache TTL for decisions. */
  readonly resultsCacheTtl: Duration;
  /** The function's in-memory decision cache TTL. */
  readonly decisionCacheTtl: Duration;
  /** Longest time a revoked token may still pass: {@link resultsCacheTtl} + {@link decisionCacheTtl}. */
  readonly revocationBound: Duration;
  /** The route role rules, as the function receives them. */
  readonly routeRoles: Readonly<Record<string, readonly string[]>>;
  private readonly restAuthorizers = new Map<string, apigw.IAuthorizer>();
  private readonly httpAuthorizers = new Map<string, HttpLambdaAuthorizer>();

  constructor(scope: Construct, id: string, props: PatAuthorizerProps) {
    super(scope, id);
    this.resultsCacheTtl = props.resultsCacheTtl ?? DEFAULT_RESULTS_CACHE_TTL;
    this.decisionCacheTtl = props.decisionCacheTtl ?? DEFAULT_DECISION_CACHE_TTL;
    const cacheSeconds = this.resultsCacheTtl.toSeconds();
    if (cacheSeconds > 3600) throw new ConfigError(`PatAuthorizer resultsCacheTtl must be at most one hour (API Gateway's limit), got ${cacheSeconds} s`);
    this.revocationBound = Duration.seconds(cacheSeconds + this.decisionCacheTtl.toSeconds());

    const verifyKeys = props.verifyKeys ?? [];
    const environment: Record<string, string> = {
      ...props.environment,
      TABLE_NAME: props.table.tableName,
      PATGATE_ISSUER: props.issuer ?? 'patgate',
      PATGATE_KMS_KEY_ID: props.signingKey.keyArn,
      PATGATE_KMS_VERIFY_KEY_IDS: verifyKeys.map((k) => k.keyArn).join(','),
      PATGATE_ROUTE_ROLES: JSON.stringify(props.routeRoles ?? {}),
      PATGATE_DECISION_CACHE_SECONDS: String(this.decisionCacheTtl.toSeconds()),
    };
    // The function would refuse a bad value at cold start; refuse it at synth instead,
    // with the same parser and the same rule compiler.
    this.routeRoles = loadConfig(environment).routeRoles;
    compileRouteRules(this.routeRoles);

    const fn = new PatgateFunction(this, 'Authorizer', {
      code: props.code ?? bundleCode('authorizer'),
      description: 'patgate authorizer: verifies patgate tokens for API Gateway',
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(5),
      environment,
      ...(props.runtime ? { runtime: props.runtime } : {}),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    this.function = fn.function;
    this.logGroup = fn.logGroup;

    const userItems = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${USER_PARTITION_PREFIX}*`] } };
    fn.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTokenAndUser',
        actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem'],
        resources: [props.table.tableArn],
        conditions: userItems,
      }),
    );
    fn.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'TouchLastUsed',
        actions: ['dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
        conditions: {
          ...userItems,
          // Only the key and last_used may appear in the request, and nothing is read back.
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': [TABLE.partitionKey, TABLE.sortKey, LAST_USED_ATTRIBUTE] },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] },
        },
      }),
    );
    fn.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadPublicKeys',
        actions: ['kms:GetPublicKey'],
        resources: [props.signingKey.keyArn, ...verifyKeys.map((k) => k.keyArn)],
      }),
    );
  }

  /**
   * A REST API authorizer (one per REST API: pass another `id` for another
   * API). `token` (default): a TOKEN authorizer on the Authorization header,
   * which API Gateway checks against {@link BEARER_VALIDATION_REGEX} first.
   * `request`: a REQUEST authorizer with the Authorization header as its
   * identity source. Either way API Gateway caches the decision per token
   * for {@link resultsCacheTtl}; the policy the function returns covers every
   * route of the API, so a cached decision is right for all of them.
   */
  restAuthorizer(options: { type?: 'token' | 'request'; id?: string } = {}): apigw.IAuthorizer {
    const type = options.type ?? 'token';
    const id = options.id ?? (type === 'token' ? 'RestTokenAuthorizer' : 'RestRequestAuthorizer');
    let authorizer = this.restAuthorizers.get(id);
    if (!authorizer) {
      const common = { handler: this.function, resultsCacheTtl: this.resultsCacheTtl };
      authorizer =
        type === 'token'
          ? new apigw.TokenAuthorizer(this, id, { ...common, identitySource: apigw.IdentitySource.header('Authorization'), validationRegex: BEARER_VALIDATION_REGEX })
          : new apigw.RequestAuthorizer(this, id, { ...common, identitySources: [apigw.IdentitySource.header('Authorization')] });
      this.restAuthorizers.set(id, authorizer);
    }
    return authorizer;
  }

  /**
   * An HTTP API authorizer with simple responses (one per HTTP API: pass
   * another `id` for another API). Its identity sources are the
   * Authorization header and, when there are route role rules,
   * `$context.routeKey`: API Gateway then caches per token and route, so a
   * decision made for one route is never reused for a route with other rules.
   */
  httpAuthorizer(id = 'HttpAuthorizer'): HttpLambdaAuthorizer {
    let authorizer = this.httpAuthorizers.get(id);
    if (!authorizer) {
      const identitySource = ['$request.header.Authorization', ...(Object.keys(this.routeRoles).length > 0 ? ['$context.routeKey'] : [])];
      authorizer = new HttpLambdaAuthorizer(id, this.function, {
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        identitySource,
        resultsCacheTtl: this.resultsCacheTtl,
      });
      this.httpAuthorizers.set(id, authorizer);
    }
    return authorizer;
  }
}
