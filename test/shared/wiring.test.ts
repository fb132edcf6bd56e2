import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { loadKeys, wireRuntime } from '../../shared/wiring.js';
import { fakeKmsCredentials, startFakeKms, type FakeKms } from '../support/fake-kms.js';
import { dynamoEndpoint, freshTable } from '../support/harness.js';

let kms: FakeKms;
beforeAll(async () => {
  kms = await startFakeKms();
});
afterAll(() => kms.close());
afterEach(() => vi.unstubAllEnvs());

/** Points the SDK's default KMS endpoint at the stand-in, as AWS_ENDPOINT_URL_KMS would anywhere. */
function useFakeKms() {
  vi.stubEnv('AWS_ENDPOINT_URL_KMS', kms.endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', fakeKmsCredentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', fakeKmsCredentials.secretAccessKey);
}

describe('wiring with KMS keys', () => {
  it('loads the signer and every trusted public key from PATGATE_KMS_KEY_ID and PATGATE_KMS_VERIFY_KEY_IDS', async () => {
    useFakeKms();
    const current = kms.createKey();
    const previous = kms.createKey();
    const config = loadConfig({ AWS_REGION: kms.region, PATGATE_KMS_KEY_ID: current.arn, PATGATE_KMS_VERIFY_KEY_IDS: ` ${previous.arn} , ` });
    const api = await loadKeys(config, { sign: true });
    expect(api.publicKeys).toHaveLength(2);
    expect(api.signer?.kid).toBe(api.publicKeys[0]!.kid);

    const authorizer = await loadKeys(config, { sign: false });
    expect(authorizer.signer).toBeUndefined();
    expect(authorizer.publicKeys).toEqual(api.publicKeys);
  });

  it('fails at start, naming the key, when a trusted key does not exist', async () => {
    useFakeKms();
    const config = loadConfig({ AWS_REGION: kms.region, PATGATE_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000000' });
    await expect(loadKeys(config, { sign: false })).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('wires a runtime whose login mints tokens signed in KMS', async () => {
    useFakeKms();
    const key = kms.createKey();
    const { tableName } = await freshTable();
    const config = loadConfig({ AWS_REGION: kms.region, TABLE_NAME: tableName, DYNAMODB_ENDPOINT: dynamoEndpoint(), PATGATE_KMS_KEY_ID: key.arn });
    const runtime = await wireRuntime(config, { sign: true });
    const user = await runtime.users.create({ email: 'kms@example.com', password: 'correct horse battery', roles: [] });
    expect(user.email).toBe('kms@example.com');
    const signs = () => kms.calls.filter((c) => c.keyId === key.arn && c.operation === 'Sign').length;
    const session = await runtime.tokens!.createSession(user.id);
    expect(signs()).toBe(1);
    await expect(runtime.authenticator.authenticate(session)).resolves.toMatchObject({ user: { id: user.id } });
  });
});
