/**
 * An example of another team's API protected by patgate: an HTTP API with a
 * Lambda route any patgate user may call and an admin-only route, both
 * behind {@link PatAuthorizer}. Deploy it with `npx cdk deploy PatgateOrdersExample`.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DEFAULT_LOG_RETENTION, PatgateFunction } from './lambda-function.js';
import { PatAuthorizer, type PatgateTableRef } from './pat-authorizer.js';

/** Properties of {@link OrdersExampleStack}: where patgate is. */
export interface OrdersExampleStackProps extends StackProps {
  readonly table: PatgateTableRef;
  readonly signingKey: kms.IKey;
  readonly verifyKeys?: readonly kms.IKey[];
  /** @default 'patgate' */
  readonly issuer?: string;
}

/** The example's handler: echoes who called, as the authorizer described them. */
const ORDERS_HANDLER = `
exports.handler = async (event) => {
  const caller = (event.requestContext.authorizer || {}).lambda || {};
  const admin = event.routeKey.startsWith('GET /admin/');
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin ? { orders: 'all', caller } : { orders: [], caller }),
  };
};
`;

/** The example "orders" API. */
export class OrdersExampleStack extends Stack {
  readonly api: apigwv2.HttpApi;
  readonly authorizer: PatAuthorizer;

  constructor(scope: Construct, id: string, props: OrdersExampleStackProps) {
    super(scope, id, props);

    const orders = new PatgateFunction(this, 'Orders', {
      code: lambda.Code.fromInline(ORDERS_HANDLER),
      description: 'patgate example: the orders API',
      memorySize: 256,
      timeout: Duration.seconds(5),
      environment: {},
    });

    // The construct and its use: what the README's "Protect another API" shows.
    this.authorizer = new PatAuthorizer(this, 'PatAuthorizer', {
      table: props.table,
      signingKey: props.signingKey,
      ...(props.verifyKeys ? { verifyKeys: props.verifyKeys } : {}),
      ...(props.issuer ? { issuer: props.issuer } : {}),
      routeRoles: { '* /admin/*': ['admin'] },
    });
    const authorizer = this.authorizer.httpAuthorizer();
    const integration = new HttpLambdaIntegration('Orders', orders.function);

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: DEFAULT_LOG_RETENTION, removalPolicy: RemovalPolicy.DESTROY });
    this.api = new apigwv2.HttpApi(this, 'OrdersApi', { apiName: `${this.stackName}-orders`, createDefaultStage: false });
    const stage = this.api.addStage('Stage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLatency: '$context.responseLatency',
            authorizerError: '$context.authorizer.error',
            userId: '$context.authorizer.userId',
          }),
        ),
      },
    });
    this.api.addRoutes({ path: '/orders', methods: [apigwv2.HttpMethod.GET], integration, authorizer });
    this.api.addRoutes({ path: '/admin/orders', methods: [apigwv2.HttpMethod.GET], integration, authorizer });

    new CfnOutput(this, 'OrdersApiUrl', { value: stage.url, description: 'The example orders API (GET /orders, GET /admin/orders)' });
  }
}
