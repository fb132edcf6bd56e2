import { Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Match } from 'aws-cdk-lib/assertions';
import { afterEach, describe, expect, it } from 'vitest';
import { BEARER_VALIDATION_REGEX, PatAuthorizer, type PatAuthorizerProps } from '../../infra/pat-authorizer.js';
import { bearerToken } from '../../shared/auth/authenticator.js';
import { templateOf, testApp, type TestApp } from './support/cdk-app.js';

const TABLE_ARN = 'arn:aws:dynamodb:eu-west-1:111122223333:table/patgate-Table';
const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555';
const OLD_KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/99999999-2222-3333-4444-555555555555';
const backend = (stack: Stack, id = 'Backend') => new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({statusCode:200})') });

// Every app a test makes: a test may make several, and each leaves a folder.
const apps: TestApp[] = [];
afterEach(() => {
  for (const app of apps.splice(0)) app.dispose();
});

/** A stack in another app that imports patgate's table and key by name and ARN, as a README user would. */
function consumer(props: Partial<PatAuthorizerProps> | ((stack: Stack) => Partial<PatAuthorizerProps>) = {}) {
  const current = testApp({}, { cfnValidation: false });
  apps.push(current);
  const stack = new Stack(current.app, 'Consumer', { env: { account: '111122223333', region: 'eu-west-1' } });
  const pat = new PatAuthorizer(stack, 'Pat', {
    table: dynamodb.TableV2.fromTableArn(stack, 'PatgateTable', TABLE_ARN),
    signingKey: kms.Key.fromKeyArn(stack, 'PatgateKey', KEY_ARN),
    ...(typeof props === 'function' ? props(stack) : props),
  });
  return { stack, pat, app: current.app };
}

function restApiWith(stack: Stack, authorizer: apigw.IAuthorizer, id = 'Rest') {
  const api = new apigw.RestApi(stack, id, { cloudWatchRole: false });
  api.root.addResource('orders').addMethod('GET', new apigw.LambdaIntegration(backend(stack, `${id}Backend`)), { authorizer });
  return api;
}

describe('PatAuthorizer on a REST API', () => {
  it('gives a TOKEN authorizer on the Authorization header, cached 60 s, that checks the Bearer form first', () => {
    const { stack, pat, app } = consumer();
    restApiWith(stack, pat.restAuthorizer());
    templateOf(app, stack).hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 60,
      IdentityValidationExpression: BEARER_VALIDATION_REGEX,
    });
  });

  it('gives a REQUEST authorizer on the Authorization header when asked', () => {
    const { stack, pat, app } = consumer({ resultsCacheTtl: Duration.seconds(30) });
    restApiWith(stack, pat.restAuthorizer({ type: 'request' }));
    templateOf(app, stack).hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 30,
    });
  });

  it('reuses one function for several APIs, one authorizer per API', () => {
    const { stack, pat, app } = consumer();
    expect(pat.restAuthorizer()).toBe(pat.restAuthorizer());
    restApiWith(stack, pat.restAuthorizer(), 'First');
    restApiWith(stack, pat.restAuthorizer({ id: 'Second' }), 'Second');
    const t = templateOf(app, stack);
    t.resourceCountIs('AWS::ApiGateway::Authorizer', 2);
    t.resourceCountIs('AWS::Lambda::Function', 3); // the one authorizer and two backends
  });

  it('lets API Gateway turn away what bearerToken() would refuse, and pass what it accepts', () => {
    const regex = new RegExp(BEARER_VALIDATION_REGEX);
    for (const header of ['Bearer a.b.c', 'bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln', 'BEARER  x-y_z~1+/=']) {
      expect(bearerToken(header), header).toBeDefined();
      expect(regex.test(header), header).toBe(true);
    }
    for (const header of ['', 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'Bearera.b.c', 'Bearer a.b.c\nX: y']) {
      expect(regex.test(header), header).toBe(false);
    }
  });
});

describe('PatAuthorizer on an HTTP API', () => {
  function httpApiWith(props: Partial<PatAuthorizerProps>) {
    const c = consumer(props);
    const api = new apigwv2.HttpApi(c.stack, 'Http');
    api.addRoutes({ path: '/orders', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('Orders', backend(c.stack)), authorizer: c.pat.httpAuthorizer() });
    return templateOf(c.app, c.stack);
  }

  it('uses simple responses and caches per token and route when there are route role rules', () => {
    httpApiWith({ routeRoles: { '* /admin/*': ['admin'] } }).hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      IdentitySource: ['$request.header.Authorization', '$context.routeKey'],
      AuthorizerResultTtlInSeconds: 60,
    });
  });

  it('caches per token alone when no rule depends on the route', () => {
    httpApiWith({}).hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { IdentitySource: ['$request.header.Authorization'] });
  });
});

describe('PatAuthorizer function', () => {
  it('reads its configuration from the props, with the defaults', () => {
    const { stack, pat, app } = consumer({ routeRoles: { 'GET /reports/*': ['auditor'] } });
    restApiWith(stack, pat.restAuthorizer());
    templateOf(app, stack).hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 5,
      Environment: {
        Variables: {
          TABLE_NAME: 'patgate-Table',
          PATGATE_ISSUER: 'patgate',
          PATGATE_KMS_KEY_ID: KEY_ARN,
          PATGATE_KMS_VERIFY_KEY_IDS: '',
          PATGATE_ROUTE_ROLES: '{"GET /reports/*":["auditor"]}',
          PATGATE_DECISION_CACHE_SECONDS: '5',
        },
      },
    });
    expect(pat.revocationBound.toSeconds()).toBe(65);
  });

  it('trusts older keys for verification, reads their public keys, and never signs', () => {
    const { stack, pat, app } = consumer((s) => ({ verifyKeys: [kms.Key.fromKeyArn(s, 'OldKey', OLD_KEY_ARN)], issuer: 'https://auth.example.com' }));
    restApiWith(stack, pat.restAuthorizer());
    const t = templateOf(app, stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PATGATE_KMS_KEY_ID: KEY_ARN, PATGATE_KMS_VERIFY_KEY_IDS: OLD_KEY_ARN, PATGATE_ISSUER: 'https://auth.example.com' }) },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'ReadPublicKeys', Action: 'kms:GetPublicKey', Resource: [KEY_ARN, OLD_KEY_ARN] })]) },
    });
    expect(JSON.stringify(t.findResources('AWS::IAM::Policy'))).not.toContain('kms:Sign');
  });

  it('refuses bad route role rules at synth, naming what to fix', () => {
    expect(() => consumer({ routeRoles: { '/admin': ['admin'] } })).toThrow('route "/admin" must look like "GET /path/*" or "* /admin/*"');
    expect(() => consumer({ routeRoles: { 'GET /x': [] } })).toThrow('needs a non-empty array of role names');
    expect(() => consumer({ routeRoles: { 'FETCH /x': ['admin'] } })).toThrow('route "FETCH /x" has an unknown method');
  });

  it('refuses a cache longer than API Gateway allows, and a bad extra variable', () => {
    expect(() => consumer({ resultsCacheTtl: Duration.hours(2) })).toThrow('resultsCacheTtl must be at most one hour');
    expect(() => consumer({ decisionCacheTtl: Duration.minutes(10) })).toThrow('PATGATE_DECISION_CACHE_SECONDS must be from 0 to 300');
    expect(() => consumer({ environment: { PATGATE_CLOCK_SKEW_SECONDS: 'soon' } })).toThrow('PATGATE_CLOCK_SKEW_SECONDS must be a whole number');
  });
});
