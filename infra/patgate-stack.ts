/**
 * The patgate deployment: the table, the KMS signing key(s), the management
 * API (Lambda behind a REST API) and a shared authorizer function.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { ConfigError, loadConfig } from '../shared/config.js';
import { TABLE } from '../shared/table.js';
import { bundleCode } from './bundles.js';
import { DEFAULT_LOG_RETENTION, PatgateFunction } from './lambda-function.js';
import { PatAuthorizer, type PatAuthorizerProps } from './pat-authorizer.js';

/** The management API's base path (`BASE_PATH` in shared/http/app.ts; a test keeps them equal). */
export const MANAGEMENT_BASE_PATH = '/api/management/v1/useradm';

/** The API Gateway stage, the first path segment of the API URL. */
export const STAGE_NAME = 'prod';

/** DynamoDB actions of the management API: exactly the operations shared/store/dynamo-store.ts sends. */
export const API_TABLE_ACTIONS = Object.freeze([
  'dynamodb:BatchGetItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
]);

/** Requests per second and burst for API Gateway throttling. */
export interface ThrottleProps {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** Properties of {@link PatgateStack}. */
export interface PatgateStackProps extends StackProps {
  /**
   * Signing key generations, oldest first. Each name is a KMS key this stack
   * keeps; the last one signs new tokens and every one is trusted. To rotate,
   * append a name and deploy; drop the oldest once its tokens have expired.
   * @default ['v1']
   */
  readonly signingKeys?: readonly string[];
  /**
   * The `iss` of every token (`PATGATE_ISSUER`).
   * @default 'patgate'
   */
  readonly issuer?: string;
  /** The management API function. */
  readonly api?: {
    /**
     * Memory in MB. Login runs scrypt (32 MiB, CPU-bound); CPU grows with
     * memory, so 1024 MB keeps a login near 150 ms.
     * @default 1024
     */
    readonly memorySize?: number;
    /** @default Duration.seconds(10) */
    readonly timeout?: Duration;
    /**
     * More environment variables (`PATGATE_SESSION_TTL_SECONDS`,
     * `PATGATE_PAT_MAX_TTL_SECONDS`, `PATGATE_ALLOW_NON_EXPIRING`, ...),
     * checked at synth with the same rules as at cold start.
     * @default - none: the defaults in shared/config.ts
     */
    readonly environment?: Readonly<Record<string, string>>;
  };
  /**
   * The shared authorizer function (output `AuthorizerFunctionArn`).
   * @default - no route role rules, the PatAuthorizer defaults
   */
  readonly authorizer?: Pick<PatAuthorizerProps, 'routeRoles' | 'resultsCacheTtl' | 'decisionCacheTtl' | 'memorySize' | 'timeout' | 'environment'>;
  /**
   * Throttling of `POST .../auth/login` across all callers: caps the scrypt
   * work a flood can cause.
   * @default { rateLimit: 10, burstLimit: 20 }
   */
  readonly loginThrottle?: ThrottleProps;
  /**
   * Throttling of every other method of the management API.
   * @default { rateLimit: 100, burstLimit: 200 }
   */
  readonly apiThrottle?: ThrottleProps;
  /**
   * An AWS WAF web ACL on the API: a per-IP limit on login attempts plus
   * AWS's IP reputation and known-bad-inputs rule groups. About 8 USD a
   * month plus 0.60 USD per million requests.
   * @default true
   */
  readonly webAcl?: boolean;
  /**
   * Login attempts one IP address may make in 5 minutes before WAF answers
   * 429 (needs `webAcl`).
   * @default 100
   */
  readonly loginRequestsPerIpPer5Minutes?: number;
  /**
   * Set API Gateway's account-wide CloudWatch Logs role (REST API access and
   * execution logs need it). Turn off when the account already has one.
   * @default true
   */
  readonly apiGatewayLogsRole?: boolean;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default Runtime.NODEJS_24_X */
  readonly runtime?: lambda.Runtime;
}

const KEY_NAME = /^[A-Za-z0-9-]{1,32}$/;

/** The access log line: who, what, how it went and how long it took; never a header or a body. */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  requestTime: '$context.requestTimeEpoch',
  method: '$context.httpMethod',
  path: '$context.path',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integration.latency',
  integrationStatus: '$context.integration.status',
  error: '$context.error.message',
  wafStatus: '$context.wafResponseCode',
});

/** API Gateway's own errors in the project's error shape. */
const GATEWAY_ERROR_TEMPLATE = '{"error":$context.error.messageString,"request_id":"$context.requestId"}';

/** The patgate deployment. */
export class PatgateStack extends Stack {
  readonly table: dynamodb.TableV2;
  /** The key that signs new tokens (the last of `signingKeys`). */
  readonly signingKey: kms.Key;
  /** Older keys whose tokens still verify. */
  readonly verifyKeys: readonly kms.Key[];
  readonly apiFunction: lambda.Function;
  readonly api: apigw.RestApi;
  /** The shared authorizer. */
  readonly authorizer: PatAuthorizer;

  constructor(scope: Construct, id: string, props: PatgateStackProps = {}) {
    super(scope, id, props);
    const logRetention = props.logRetention ?? DEFAULT_LOG_RETENTION;
    const issuer = props.issuer ?? 'patgate';

    // --- table: the one definition in shared/table.ts -----------------------
    const S = dynamodb.AttributeType.STRING;
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: S },
      sortKey: { name: TABLE.sortKey, type: S },
      globalSecondaryIndexes: [
        {
          indexName: TABLE.usersIndex.name,
          partitionKey: { name: TABLE.usersIndex.partitionKey, type: S },
          sortKey: { name: TABLE.usersIndex.sortKey, type: S },
          projectionType: dynamodb.ProjectionType.ALL,
        },
      ],
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // --- signing keys: asymmetric P-256, the private half never leaves KMS ---
    const keyNames = props.signingKeys ?? ['v1'];
    if (keyNames.length === 0) throw new ConfigError('signingKeys needs at least one key name');
    for (const name of keyNames) {
      if (!KEY_NAME.test(name)) throw new ConfigError(`signing key name "${name}" must be 1-32 letters, digits or dashes`);
    }
    if (new Set(keyNames).size !== keyNames.length) throw new ConfigError(`signingKeys has a name twice: ${keyNames.join(', ')}`);
    const keys = keyNames.map(
      (name) =>
        new kms.Key(this, `SigningKey-${name}`, {
          keySpec: kms.KeySpec.ECC_NIST_P256,
          keyUsage: kms.KeyUsage.SIGN_VERIFY,
          description: `patgate token signing key "${name}" (${this.stackName})`,
          // A deleted signing key invalidates every token it signed: never delete with the stack.
          removalPolicy: RemovalPolicy.RETAIN,
        }),
    );
    this.signingKey = keys[keys.length - 1]!;
    this.verifyKeys = keys.slice(0, -1);
    const keyEnv = {
      PATGATE_KMS_KEY_ID: this.signingKey.keyArn,
      PATGATE_KMS_VERIFY_KEY_IDS: this.verifyKeys.map((k) => k.keyArn).join(','),
    };

    // --- the management API function ---------------------------------------
    const apiEnvironment: Record<string, string> = { ...props.api?.environment, TABLE_NAME: this.table.tableName, PATGATE_ISSUER: issuer, ...keyEnv };
    loadConfig(apiEnvironment); // a bad value fails here, at synth, not at the first cold start
    const apiFn = new PatgateFunction(this, 'Api', {
      code: bundleCode('api'),
      description: 'patgate management API (login, tokens, users)',
      memorySize: props.api?.memorySize ?? 1024,
      timeout: props.api?.timeout ?? Duration.seconds(10),
      environment: apiEnvironment,
      logRetention,
      ...(props.runtime ? { runtime: props.runtime } : {}),
    });
    this.apiFunction = apiFn.function;
    apiFn.role.addToPolicy(new iam.PolicyStatement({ sid: 'ReadWriteItems', actions: [...API_TABLE_ACTIONS], resources: [this.table.tableArn] }));
    apiFn.role.addToPolicy(
      new iam.PolicyStatement({ sid: 'ListUsers', actions: ['dynamodb:Query'], resources: [`${this.table.tableArn}/index/${TABLE.usersIndex.name}`] }),
    );
    apiFn.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'SignTokens',
        actions: ['kms:Sign'],
        resources: [this.signingKey.keyArn],
        // Exactly what the KMS signer sends: an ES256 signature over a SHA-256 digest.
        conditions: { StringEquals: { 'kms:SigningAlgorithm': 'ECDSA_SHA_256', 'kms:MessageType': 'DIGEST' } },
      }),
    );
    apiFn.role.addToPolicy(new iam.PolicyStatement({ sid: 'ReadPublicKeys', actions: ['kms:GetPublicKey'], resources: keys.map((k) => k.keyArn) }));
    // Whoever signs with a key can mint a token for any user. The key policy
    // itself refuses Sign to every principal but the API function's role, so
    // an identity policy granting kms:* elsewhere in the account cannot.
    for (const key of keys) {
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'OnlyTheManagementApiSigns',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['kms:Sign'],
          resources: ['*'],
          conditions: { ArnNotEquals: { 'aws:PrincipalArn': apiFn.role.roleArn } },
        }),
      );
    }

    // --- the shared authorizer ---------------------------------------------
    this.authorizer = new PatAuthorizer(this, 'Authorizer', {
      ...props.authorizer,
      table: this.table,
      signingKey: this.signingKey,
      verifyKeys: this.verifyKeys,
      issuer,
      logRetention,
      ...(props.runtime ? { runtime: props.runtime } : {}),
    });

    // --- REST API in front of the management API ----------------------------
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const loginThrottle = props.loginThrottle ?? { rateLimit: 10, burstLimit: 20 };
    const apiThrottle = props.apiThrottle ?? { rateLimit: 100, burstLimit: 200 };
    const loginPath = `${MANAGEMENT_BASE_PATH}/auth/login`;
    this.api = new apigw.RestApi(this, 'ManagementApi', {
      restApiName: `${this.stackName}-management`,
      description: 'patgate management API',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole: props.apiGatewayLogsRole ?? true,
      deployOptions: {
        stageName: STAGE_NAME,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigw.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
        // Errors only, and never request or response data: those hold tokens and passwords.
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        throttlingRateLimit: apiThrottle.rateLimit,
        throttlingBurstLimit: apiThrottle.burstLimit,
        methodOptions: { [`${loginPath}/POST`]: { throttlingRateLimit: loginThrottle.rateLimit, throttlingBurstLimit: loginThrottle.burstLimit } },
      },
    });
    // The stack's own ApiUrl output replaces RestApi's generated one.
    this.api.node.tryRemoveChild('Endpoint');
    // API Gateway creates the execution log group on first use and keeps it forever; make it first, with a retention.
    const executionLogs = new logs.LogGroup(this, 'ApiExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${STAGE_NAME}`,
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api.deploymentStage.node.addDependency(executionLogs);
    for (const [name, type] of [
      ['Default4xx', apigw.ResponseType.DEFAULT_4XX],
      ['Default5xx', apigw.ResponseType.DEFAULT_5XX],
    ] as const) {
      this.api.addGatewayResponse(name, { type, templates: { 'application/json': GATEWAY_ERROR_TEMPLATE } });
    }

    // The app routes every path itself. The login method exists on its own so
    // that it can be throttled on its own; the proxies around it keep every
    // other path under the base path reaching the function.
    const integration = new apigw.LambdaIntegration(this.apiFunction, { allowTestInvoke: false });
    this.api.root.addMethod('ANY', integration);
    this.api.root.addProxy({ defaultIntegration: integration, anyMethod: true });
    const base = this.api.root.resourceForPath(MANAGEMENT_BASE_PATH);
    base.addProxy({ defaultIntegration: integration, anyMethod: true });
    const auth = base.resourceForPath('auth');
    auth.addProxy({ defaultIntegration: integration, anyMethod: true });
    auth.addResource('login').addMethod('POST', integration);
    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-APIG4',
        reason:
          'The management API authenticates every request itself, with the same verification core as the authorizer (bearer tokens checked against the store; HTTP Basic for login). ' +
          'Login, the JWKS and the token page must be reachable without a token, and an API Gateway authorizer cache would delay revocation on this API.',
      },
      { id: 'AwsSolutions::AwsSolutions-COG4', reason: 'patgate is the identity provider: its tokens are its own ES256 JWTs, not Cognito tokens.' },
      {
        id: 'AwsSolutions::AwsSolutions-APIG2',
        reason:
          'Requests are validated by the app: every body is parsed against a field schema and a bad field gets a 400 naming it, in the API\'s JSON error shape. ' +
          'An API Gateway model would duplicate that schema and answer in another format (and Mender clients expect the app\'s 401 for missing credentials).',
      },
    );
    if (props.apiGatewayLogsRole ?? true) {
      const role = this.api.node.tryFindChild('CloudWatchRole');
      if (role) {
        Validations.of(role).acknowledge({
          id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
          reason:
            'This is the account-wide role API Gateway uses to write access and execution logs for every API in the account and region; AWS documents this managed policy for it, and only API Gateway can assume the role.',
        });
      }
    }

    // --- WAF: per-IP login limit and AWS's baseline rule groups -------------
    if (props.webAcl ?? true) {
      const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
      const managed = (name: string, priority: number) => ({
        name,
        priority,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
        visibilityConfig: visibility(name),
      });
      const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
        scope: 'REGIONAL',
        defaultAction: { allow: {} },
        visibilityConfig: visibility(`${this.stackName}-web-acl`),
        customResponseBodies: {
          TooManyLogins: { contentType: 'APPLICATION_JSON', content: '{"error":"too many login attempts from this address; wait a few minutes and try again"}' },
        },
        rules: [
          {
            name: 'LoginAttemptsPerIp',
            priority: 0,
            action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'TooManyLogins' } } },
            statement: {
              rateBasedStatement: {
                aggregateKeyType: 'IP',
                limit: props.loginRequestsPerIpPer5Minutes ?? 100,
                evaluationWindowSec: 300,
                scopeDownStatement: {
                  byteMatchStatement: {
                    fieldToMatch: { uriPath: {} },
                    positionalConstraint: 'ENDS_WITH',
                    searchString: '/auth/login',
                    textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
                  },
                },
              },
            },
            visibilityConfig: visibility('LoginAttemptsPerIp'),
          },
          managed('AWSManagedRulesAmazonIpReputationList', 1),
          managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
        ],
      });
      new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', { resourceArn: this.api.deploymentStage.stageArn, webAclArn: webAcl.attrArn });
    } else {
      Validations.of(this.api.deploymentStage).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG3',
        reason: 'The deployment turned the web ACL off (webAcl: false); login is still throttled by API Gateway and by the app\'s per-account login throttle.',
      });
    }

    // --- outputs -----------------------------------------------------------
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the patgate API (the token page is here)' });
    new CfnOutput(this, 'ManagementApiUrl', { value: this.api.urlForPath(MANAGEMENT_BASE_PATH), description: 'Base URL of the management API' });
    new CfnOutput(this, 'JwksUrl', { value: this.api.urlForPath('/.well-known/jwks.json'), description: 'Public keys of the token signers (JWKS)' });
    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'DynamoDB table (for `npx patgate users create --table ...`)' });
    new CfnOutput(this, 'AuthorizerFunctionArn', { value: this.authorizer.function.functionArn, description: 'The shared authorizer function' });
    new CfnOutput(this, 'SigningKeyArn', { value: this.signingKey.keyArn, description: 'KMS key that signs new tokens' });
  }
}
