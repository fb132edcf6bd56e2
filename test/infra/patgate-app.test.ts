import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPatgateStacks } from '../../infra/patgate-app.js';
import { TABLE } from '../../shared/table.js';
import { createDynamoClient } from '../../shared/store/dynamo-store.js';
import { createKmsClient, createKmsSigner, fetchKmsPublicKey } from '../../shared/tokens/kms-signer.js';
import { fakeKmsCredentials, startFakeKms, type FakeKms } from '../support/fake-kms.js';
import { createHarness, dynamoEndpoint, testClock } from '../support/harness.js';
import { synthPatgateApp, testApp } from './support/cdk-app.js';
import { allows, attributesOf, roleStatements, type IamRequest, type Statement } from './support/iam-eval.js';

let synth: ReturnType<typeof synthPatgateApp>;
beforeAll(() => {
  // cdk-nag runs inside synth: an unacknowledged finding on any stack throws here.
  // (CloudFormation schema validation runs in patgate-stack.test.ts and the CLI synth.)
  synth = synthPatgateApp({}, { cfnValidation: false });
});
afterAll(() => synth?.dispose());

/** Every acknowledgement recorded in the construct tree: rule id to reasons. */
function acknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  const out: Array<{ path: string; id: string; reason: string }> = [];
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) out.push({ path: c.node.path, id, reason });
    }
  }
  return out;
}

describe('cdk-nag AwsSolutions', () => {
  it('passes on every stack, with a handful of acknowledged rules, each with a reason', () => {
    expect(synth.assembly.stacks.map((s) => s.stackName).sort()).toEqual(['Patgate', 'PatgateOrdersExample']);
    const acks = acknowledgements(synth.app);
    expect([...new Set(acks.map((a) => a.id))].sort()).toEqual([
      'AwsSolutions::AwsSolutions-APIG2',
      'AwsSolutions::AwsSolutions-APIG4',
      'AwsSolutions::AwsSolutions-COG4',
      'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      'AwsSolutions::AwsSolutions-L1',
    ]);
    for (const a of acks) expect(a.reason.length, `${a.id} on ${a.path}`).toBeGreaterThan(60);
    // L1 (runtime) is acknowledged per function, never for a whole stack.
    const runtimeAcks = acks.filter((a) => a.id === 'AwsSolutions::AwsSolutions-L1');
    expect(runtimeAcks).toHaveLength(4);
    for (const a of runtimeAcks) expect(a.path).toMatch(/\/Function$/);
  });

  it('fails the synth on a finding nobody acknowledged', () => {
    const t = testApp({}, { cfnValidation: false });
    try {
      const { patgate } = addPatgateStacks(t.app);
      new s3.Bucket(patgate, 'Unreviewed');
      expect(() => t.app.synth()).toThrow(/AwsSolutions-S1/);
    } finally {
      t.dispose();
    }
  });

  it('refuses bad context values with a message naming the key', () => {
    const t = testApp({ 'patgate:webAcl': 'maybe' });
    try {
      expect(() => addPatgateStacks(t.app)).toThrow('context patgate:webAcl must be true or false');
    } finally {
      t.dispose();
    }
  });
});

describe('orders example stack', () => {
  let o: Template;
  beforeAll(() => {
    o = synth.ordersTemplate;
  });

  it('protects both routes with the patgate authorizer, simple responses, cached 60 s per token and route', () => {
    const authorizers = Object.keys(o.findResources('AWS::ApiGatewayV2::Authorizer'));
    expect(authorizers).toHaveLength(1);
    o.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization', '$context.routeKey'],
      AuthorizerResultTtlInSeconds: 60,
    });
    for (const routeKey of ['GET /orders', 'GET /admin/orders']) {
      o.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: routeKey, AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizers[0] } });
    }
  });

  it('makes the admin route admin-only through the route role rules', () => {
    o.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('authorizer'),
      Environment: { Variables: Match.objectLike({ PATGATE_ROUTE_ROLES: '{"* /admin/*":["admin"]}' }) },
    });
  });

  it('writes access logs and throttles its stage', () => {
    o.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: Match.objectLike({ Format: Match.stringLikeRegexp('\\$context.requestId') }),
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }),
    });
  });
});

/**
 * The policies, checked against the requests the code really sends: the
 * management API flow and an authorizer decision run against dynalite and
 * the KMS stand-in, every SDK request is recorded, and each must be allowed
 * by the synthesized policy of the function that would send it.
 */
describe('least privilege, against recorded requests', () => {
  let kms: FakeKms;
  beforeAll(async () => {
    kms = await startFakeKms();
  });
  afterAll(() => kms?.close());

  function record(client: DynamoDBClient) {
    const calls: Array<{ command: string; input: Record<string, unknown> }> = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push({ command: context.commandName!, input: args.input as Record<string, unknown> });
        return next(args);
      },
      { step: 'initialize', name: 'recordRequests' },
    );
    return calls;
  }

  const t = () => synth.patgateTemplate;
  const fnRole = (description: string) => {
    const fn = Object.values(t().findResources('AWS::Lambda::Function', { Properties: Match.objectLike({ Description: Match.stringLikeRegexp(description) }) }))[0]!;
    return (fn.Properties as { Role: { 'Fn::GetAtt': [string] } }).Role['Fn::GetAtt'][0];
  };
  const tableArn = () => ({ 'Fn::GetAtt': [Object.keys(t().findResources('AWS::DynamoDB::GlobalTable'))[0], 'Arn'] });
  const keyArn = () => ({ 'Fn::GetAtt': [Object.keys(t().findResources('AWS::KMS::Key'))[0], 'Arn'] });
  const S = (v: unknown) => (v as { S: string }).S;

  /** The IAM request a DynamoDB call makes. */
  function dynamoRequest(call: { command: string; input: Record<string, unknown> }): IamRequest {
    const input = call.input;
    const keys =
      call.command === 'BatchGetItemCommand'
        ? Object.values(input.RequestItems as Record<string, { Keys: Array<Record<string, unknown>> }>).flatMap((r) => r.Keys)
        : input.Key
          ? [input.Key as Record<string, unknown>]
          : input.Item
            ? [input.Item as Record<string, unknown>]
            : [];
    const leadingKeys = call.command === 'QueryCommand' ? [S((input.ExpressionAttributeValues as Record<string, unknown>)[':pk'] ?? (input.ExpressionAttributeValues as Record<string, unknown>)[':users'])] : keys.map((k) => S(k[TABLE.partitionKey]));
    return {
      action: `dynamodb:${call.command.replace(/Command$/, '')}`,
      resource: input.IndexName ? { 'Fn::Join': ['', [tableArn(), `/index/${String(input.IndexName)}`]] } : tableArn(),
      context: {
        'dynamodb:LeadingKeys': leadingKeys,
        ...(call.command === 'UpdateItemCommand' ? { 'dynamodb:Attributes': attributesOf(input) } : {}),
        ...(input.ReturnValues ? { 'dynamodb:ReturnValues': String(input.ReturnValues) } : {}),
      },
    };
  }
  const kmsRequest = (call: FakeKms['calls'][number]): IamRequest => ({
    action: `kms:${call.operation}`,
    resource: keyArn(),
    context: { 'kms:SigningAlgorithm': call.signingAlgorithm, 'kms:MessageType': call.messageType },
  });

  it('allows every request of the management API flow and of an authorizer decision, and nothing the authorizer does not need', async () => {
    const kmsClient = createKmsClient({ region: kms.region, endpoint: kms.endpoint, clientConfig: { credentials: fakeKmsCredentials } });
    const key = kms.createKey();
    const signer = createKmsSigner(kmsClient, key.arn, await fetchKmsPublicKey(kmsClient, key.arn));
    const client = createDynamoClient({ tableName: 'unused', endpoint: dynamoEndpoint() });
    const calls = record(client);
    const clock = testClock();
    const h = await createHarness({ client, signer, clock });
    calls.length = 0; // the harness's table set-up is not the function's

    // The management API: create a user, log in, make, list, use and revoke a PAT, list users, log out.
    const admin = await h.user(`admin-${randomUUID()}@example.com`, ['admin']);
    const session = await h.login(admin.email, admin.password);
    const pat = await h.pat(session);
    const listed = (await (await h.request('/settings/tokens', { headers: h.bearer(session) })).json()) as Array<{ id: string }>;
    await h.request('/users', { headers: h.bearer(session) });
    await h.store.listUsers();
    const apiCalls = calls.splice(0);
    const apiKmsCalls = kms.calls.filter((c) => c.keyId === key.arn);

    // The authorizer: one decision on the PAT (a BatchGetItem and the first last_used write).
    clock.advance(10 * 60 * 1000);
    await h.runtime.authenticator.authenticate(pat);
    const authorizerCalls = calls.splice(0);
    expect(authorizerCalls.map((c) => c.command)).toEqual(['BatchGetItemCommand', 'UpdateItemCommand']);

    await h.request(`/settings/tokens/${listed[0]!.id}`, { method: 'DELETE', headers: h.bearer(session) });
    await h.request('/auth/logout', { method: 'POST', headers: h.bearer(session) });
    apiCalls.push(...calls.splice(0));

    const api: Statement[] = roleStatements(t(), fnRole('management API'));
    const authorizer: Statement[] = roleStatements(t(), fnRole('authorizer'));
    expect(new Set(apiCalls.map((c) => c.command)).size).toBeGreaterThanOrEqual(5);
    expect(apiCalls.some((c) => c.command === 'QueryCommand' && c.input.IndexName === TABLE.usersIndex.name), 'the flow lists users through the index').toBe(true);
    for (const call of [...apiCalls, ...authorizerCalls]) expect(allows(api, dynamoRequest(call)), `API: ${call.command} ${JSON.stringify(call.input)}`).toBe(true);
    for (const call of authorizerCalls) expect(allows(authorizer, dynamoRequest(call)), `authorizer: ${call.command} ${JSON.stringify(call.input)}`).toBe(true);

    // KMS: the API may sign (ES256 over a digest) and read the public key; the authorizer only reads it.
    expect(apiKmsCalls.map((c) => c.operation)).toContain('Sign');
    for (const call of apiKmsCalls) expect(allows(api, kmsRequest(call)), JSON.stringify(call)).toBe(true);
    for (const call of apiKmsCalls) expect(allows(authorizer, kmsRequest(call))).toBe(call.operation === 'GetPublicKey');
    expect(allows(api, kmsRequest({ operation: 'Sign', keyId: key.arn, messageType: 'RAW', signingAlgorithm: 'ECDSA_SHA_256' }))).toBe(false);

    // The authorizer's conditions bite: no write of the API's, no other attribute, no other partition.
    const writes = apiCalls.filter((c) => ['PutItemCommand', 'DeleteItemCommand'].includes(c.command));
    expect(writes.length).toBeGreaterThan(0);
    for (const call of writes) expect(allows(authorizer, dynamoRequest(call))).toBe(false);
    const touch = authorizerCalls[1]!;
    const statusChange = { command: 'UpdateItemCommand', input: { ...touch.input, UpdateExpression: 'SET #st = :at', ExpressionAttributeNames: { '#pk': 'pk', '#st': 'status' } } };
    expect(allows(authorizer, dynamoRequest(statusChange))).toBe(false);
    const readBack = { command: 'UpdateItemCommand', input: { ...touch.input, ReturnValues: 'ALL_OLD' } };
    expect(allows(authorizer, dynamoRequest(readBack))).toBe(false);
    const emailItem = { command: 'GetItemCommand', input: { Key: { pk: { S: `EMAIL#${admin.email}` }, sk: { S: 'EMAIL' } } } };
    expect(allows(authorizer, dynamoRequest(emailItem))).toBe(false);
  });
});
