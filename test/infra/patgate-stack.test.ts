import { readFileSync, readdirSync, type Dirent } from 'node:fs';
import { join, relative } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TABLE_ACTIONS, MANAGEMENT_BASE_PATH, STAGE_NAME } from '../../infra/patgate-stack.js';
import { BASE_PATH } from '../../shared/http/app.js';
import { TABLE } from '../../shared/table.js';
import { synthPatgateApp } from './support/cdk-app.js';
import { roleStatements, type Statement } from './support/iam-eval.js';

let synth: ReturnType<typeof synthPatgateApp>;
let t: Template;

beforeAll(() => {
  // Asset metadata tells which staged folder each function deploys.
  synth = synthPatgateApp({ 'aws:cdk:enable-asset-metadata': true });
  t = synth.patgateTemplate;
});
afterAll(() => synth?.dispose());

const idOf = (template: Template, type: string, props: Record<string, unknown>): string => {
  const found = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(found, `one ${type} like ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0]!;
};
const fnId = (template: Template, description: string) => idOf(template, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp(description) });
const roleOf = (template: Template, functionId: string): string =>
  ((template.findResources('AWS::Lambda::Function')[functionId]!.Properties as { Role: { 'Fn::GetAtt': [string, string] } }).Role)['Fn::GetAtt'][0];
const allIdentityStatements = (template: Template): Statement[] => [
  ...Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => (p.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement),
  ...Object.values(template.findResources('AWS::IAM::Role')).flatMap((r) =>
    ((r.Properties as { Policies?: Array<{ PolicyDocument: { Statement: Statement[] } }> }).Policies ?? []).flatMap((p) => p.PolicyDocument.Statement),
  ),
];
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('patgate stack: table', () => {
  it('is built from the one table definition: keys, users index, TTL attribute', () => {
    t.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: TABLE.usersIndex.name,
          KeySchema: [
            { AttributeName: TABLE.usersIndex.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE.usersIndex.sortKey, KeyType: 'RANGE' },
          ],
        }),
      ],
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
    });
  });

  it('bills on demand, with point-in-time recovery and deletion protection, and is retained', () => {
    t.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        Replicas: [Match.objectLike({ DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      }),
    });
  });
});

describe('patgate stack: signing key', () => {
  it('is an asymmetric P-256 signing key in KMS, kept when the stack goes', () => {
    t.resourceCountIs('AWS::KMS::Key', 1);
    t.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }) });
  });

  it('refuses kms:Sign in its key policy to every principal but the management API role', () => {
    const apiRole = roleOf(t, fnId(t, 'management API'));
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'kms:Sign', Principal: { AWS: '*' }, Condition: { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [apiRole, 'Arn'] } } } }),
        ]),
      },
    });
  });
});

describe('patgate stack: functions', () => {
  it.each([
    ['management API', 1024, 10],
    ['authorizer', 512, 5],
  ])('runs the %s on Node.js 24, arm64, with %i MB and a %i s timeout, logging to a group kept 30 days', (description, memory, timeout) => {
    const props = t.findResources('AWS::Lambda::Function')[fnId(t, description)]!.Properties as Record<string, unknown>;
    expect(props).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler', MemorySize: memory, Timeout: timeout });
    const logGroup = (props.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(t.findResources('AWS::Logs::LogGroup')[logGroup]!.Properties).toMatchObject({ RetentionInDays: 30 });
  });

  it('keeps every log group for a limited time', () => {
    for (const template of [t, synth.ordersTemplate]) {
      for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) expect(group.Properties).toHaveProperty('RetentionInDays');
    }
  });

  it.each([
    ['management API', 'api'],
    ['authorizer', 'authorizer'],
  ])('deploys the %s bundle exactly as npm run build made it, without source maps', (description, bundle) => {
    const fn = t.findResources('AWS::Lambda::Function')[fnId(t, description)]!;
    const staged = join(synth.outdir, (fn.Metadata as Record<string, string>)['aws:asset:path']!);
    const files = (dir: string) => (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[]).filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
    const built = files(join('dist', bundle)).filter((f) => !f.endsWith('.map'));
    expect(built).toContain('index.mjs');
    expect(files(staged)).toEqual(built);
    for (const file of built) expect(readFileSync(join(staged, file)).equals(readFileSync(join('dist', bundle, file))), file).toBe(true);
  });

  it('configures both functions with the table, the issuer and the KMS key', () => {
    const table = Object.keys(t.findResources('AWS::DynamoDB::GlobalTable'))[0]!;
    const key = Object.keys(t.findResources('AWS::KMS::Key'))[0]!;
    const common = { TABLE_NAME: { Ref: table }, PATGATE_ISSUER: 'patgate', PATGATE_KMS_KEY_ID: { 'Fn::GetAtt': [key, 'Arn'] }, PATGATE_KMS_VERIFY_KEY_IDS: '' };
    t.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('management API'), Environment: { Variables: common } });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('authorizer'),
      Environment: { Variables: { ...common, PATGATE_ROUTE_ROLES: '{}', PATGATE_DECISION_CACHE_SECONDS: '5' } },
    });
  });
});

describe('patgate stack: least-privilege IAM', () => {
  it('grants no wildcard action and no wildcard resource in any identity policy of either stack', () => {
    for (const template of [t, synth.ordersTemplate]) {
      for (const s of allIdentityStatements(template)) {
        for (const action of actionsOf(s)) expect(action, JSON.stringify(s)).not.toContain('*');
        for (const resource of Array.isArray(s.Resource) ? s.Resource : [s.Resource]) expect(JSON.stringify(resource), JSON.stringify(s)).not.toContain('*');
      }
    }
  });

  it('uses no AWS managed policy but the one API Gateway documents for its account logging role', () => {
    const managed = Object.entries(t.findResources('AWS::IAM::Role')).filter(([, r]) => (r.Properties as { ManagedPolicyArns?: unknown[] }).ManagedPolicyArns);
    expect(managed.map(([id]) => id)).toEqual([expect.stringMatching(/^ManagementApiCloudWatchRole/)]);
    expect(JSON.stringify(managed[0]![1])).toContain('AmazonAPIGatewayPushToCloudWatchLogs');
    for (const role of Object.values(synth.ordersTemplate.findResources('AWS::IAM::Role'))) expect(role.Properties).not.toHaveProperty('ManagedPolicyArns');
  });

  it('allows kms:Sign to the management API function only, and only ES256 over a digest', () => {
    const apiRole = roleOf(t, fnId(t, 'management API'));
    for (const template of [t, synth.ordersTemplate]) {
      const signing = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p).includes('kms:Sign'));
      if (template === t) {
        expect(signing).toHaveLength(1);
        expect((signing[0]!.Properties as { Roles: unknown[] }).Roles).toEqual([{ Ref: apiRole }]);
      } else {
        expect(signing).toHaveLength(0);
      }
    }
    const sign = roleStatements(t, apiRole).find((s) => s.Sid === 'SignTokens')!;
    expect(sign.Condition).toEqual({ StringEquals: { 'kms:SigningAlgorithm': 'ECDSA_SHA_256', 'kms:MessageType': 'DIGEST' } });
  });

  it('grants the management API exactly the DynamoDB operations the store sends', () => {
    // dynamo-store.ts is the only Lambda-side file that talks to DynamoDB.
    const source = readFileSync('shared/store/dynamo-store.ts', 'utf8');
    const imports = /import\s*{([^}]*)}\s*from\s*'@aws-sdk\/client-dynamodb'/.exec(source)![1]!;
    const used = [...imports.matchAll(/\b(\w+)Command\b/g)].map((m) => `dynamodb:${m[1]}`).sort();
    expect(used, 'shared/store/dynamo-store.ts sends other DynamoDB operations than infra/patgate-stack.ts API_TABLE_ACTIONS grants: update both together').toEqual(
      [...API_TABLE_ACTIONS].sort(),
    );
  });

  it('gives the authorizer only reads, the last_used update and GetPublicKey', () => {
    const statements = roleStatements(t, roleOf(t, fnId(t, 'authorizer')));
    expect(statements.flatMap(actionsOf).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'kms:GetPublicKey', 'logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(statements.find((s) => s.Sid === 'TouchLastUsed')!.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['USER#*'] },
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'lastUsedAt'] },
      StringEqualsIfExists: { 'dynamodb:ReturnValues': ['NONE'] },
    });
  });
});

describe('patgate stack: API Gateway', () => {
  it('serves the management API under the app\'s base path', () => {
    expect(MANAGEMENT_BASE_PATH).toBe(BASE_PATH);
  });

  it('lets login through with no authorizer, and puts no authorizer on any method (the app authenticates)', () => {
    const login = Object.values(t.findResources('AWS::ApiGateway::Method', { Properties: Match.objectLike({ HttpMethod: 'POST' }) }));
    expect(login).toHaveLength(1);
    expect(login[0]!.Properties).toMatchObject({ AuthorizationType: 'NONE', Integration: { Type: 'AWS_PROXY' } });
    t.resourceCountIs('AWS::ApiGateway::Authorizer', 0);
    for (const method of Object.values(t.findResources('AWS::ApiGateway::Method'))) expect(method.Properties).toMatchObject({ AuthorizationType: 'NONE' });
  });

  it('throttles login on its own, and every other method', () => {
    t.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: STAGE_NAME,
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200, LoggingLevel: 'ERROR', DataTraceEnabled: false }),
        Match.objectLike({ HttpMethod: 'POST', ResourcePath: `/${`${MANAGEMENT_BASE_PATH}/auth/login`.replaceAll('/', '~1')}`, ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 }),
      ]),
    });
  });

  it('writes access logs with the request id and no header or body', () => {
    const stage = Object.values(t.findResources('AWS::ApiGateway::Stage'))[0]!.Properties as { AccessLogSetting: { Format: string; DestinationArn: unknown } };
    const format = JSON.parse(stage.AccessLogSetting.Format) as Record<string, string>;
    expect(format.requestId).toBe('$context.requestId');
    expect(Object.values(format).join(' ')).not.toMatch(/header|body|authoriz/i);
    const group = Object.keys(t.findResources('AWS::Logs::LogGroup')).find((id) => JSON.stringify(stage.AccessLogSetting.DestinationArn).includes(id));
    expect(group).toMatch(/^ApiAccessLogs/);
  });

  it('limits login attempts per IP address with AWS WAF', () => {
    t.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'LoginAttemptsPerIp',
          Action: { Block: { CustomResponse: Match.objectLike({ ResponseCode: 429 }) } },
          Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP', Limit: 100, ScopeDownStatement: Match.objectLike({ ByteMatchStatement: Match.objectLike({ SearchString: '/auth/login' }) }) }) },
        }),
      ]),
    });
    t.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  it('answers API Gateway\'s own errors in the API\'s JSON error shape', () => {
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      t.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseTemplates: { 'application/json': '{"error":$context.error.messageString,"request_id":"$context.requestId"}' },
      });
    }
  });
});

describe('patgate stack: outputs', () => {
  it('outputs the API URL, the JWKS URL, the table name, the authorizer ARN and the signing key ARN', () => {
    const outputs = t.findOutputs('*');
    const api = Object.keys(t.findResources('AWS::ApiGateway::RestApi'))[0]!;
    const authorizer = fnId(t, 'authorizer');
    expect(JSON.stringify(outputs.ApiUrl!.Value)).toContain(api);
    // https://<api>.execute-api.<region>.<suffix>/<stage><path>
    const stage = Object.keys(t.findResources('AWS::ApiGateway::Stage'))[0]!;
    const url = (path: string) => ({ 'Fn::Join': ['', ['https://', { Ref: api }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: stage }, path]] });
    expect(outputs.JwksUrl!.Value).toEqual(url('/.well-known/jwks.json'));
    expect(outputs.ManagementApiUrl!.Value).toEqual(url(MANAGEMENT_BASE_PATH));
    expect(outputs.TableName!.Value).toEqual({ Ref: Object.keys(t.findResources('AWS::DynamoDB::GlobalTable'))[0] });
    expect(outputs.AuthorizerFunctionArn!.Value).toEqual({ 'Fn::GetAtt': [authorizer, 'Arn'] });
    expect(outputs.SigningKeyArn!.Value).toEqual({ 'Fn::GetAtt': [Object.keys(t.findResources('AWS::KMS::Key'))[0], 'Arn'] });
  });
});

describe('patgate stack: key rotation', () => {
  it('signs with the newest key and still trusts the older one, in both functions and the example (context as on the command line)', () => {
    const rotated = synthPatgateApp({ 'patgate:signingKeys': 'v1,v2', 'patgate:webAcl': 'false', 'patgate:apiGatewayLogsRole': false }, { cfnValidation: false });
    try {
      const r = rotated.patgateTemplate;
      const keys = Object.keys(r.findResources('AWS::KMS::Key'));
      expect(keys).toEqual([expect.stringMatching(/^SigningKeyv1/), expect.stringMatching(/^SigningKeyv2/)]);
      const [v1, v2] = keys.map((k) => ({ 'Fn::GetAtt': [k, 'Arn'] }));
      for (const description of ['management API', 'authorizer']) {
        r.hasResourceProperties('AWS::Lambda::Function', {
          Description: Match.stringLikeRegexp(description),
          Environment: { Variables: Match.objectLike({ PATGATE_KMS_KEY_ID: v2, PATGATE_KMS_VERIFY_KEY_IDS: v1 }) },
        });
      }
      const apiStatements = roleStatements(r, roleOf(r, fnId(r, 'management API')));
      expect(apiStatements.find((s) => s.Sid === 'SignTokens')!.Resource).toEqual(v2);
      expect(apiStatements.find((s) => s.Sid === 'ReadPublicKeys')!.Resource).toEqual([v1, v2]);
      // The example's authorizer, in another stack, follows the same keys.
      expect(JSON.stringify(rotated.ordersTemplate.findResources('AWS::Lambda::Function'))).toMatch(/PATGATE_KMS_VERIFY_KEY_IDS":\{"Fn::GetStackOutput"/);
      // Without the web ACL and the account logging role, as configured, with the missing WAF acknowledged.
      r.resourceCountIs('AWS::WAFv2::WebACL', 0);
      r.resourceCountIs('AWS::ApiGateway::Account', 0);
      const acks = rotated.patgate.api.deploymentStage.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
      expect(acks.map((m) => Object.keys(m.data as object)[0])).toEqual(['AwsSolutions::AwsSolutions-APIG3']);
    } finally {
      rotated.dispose();
    }
  });
});
