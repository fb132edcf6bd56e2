import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { IamAuthorizerResponse } from '../../../functions/authorizer/create-handler.js';
import { loadOrCreateKeyFile } from '../../../shared/tokens/local-signer.js';
import { httpV2Event, restRequestEvent, stageArn } from '../../support/authorizer-events.js';
import { createHarness, dynamoEndpoint } from '../../support/harness.js';

describe('authorizer Lambda entry (functions/authorizer/handler.ts)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    vi.unstubAllEnvs();
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('wires itself from the environment at import and decides on real events', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pg-authorizer-'));
    dirs.push(dir);
    const keyFile = join(dir, 'signing-key.pem');
    // The key the management API signs with; the authorizer reads the same file.
    const h = await createHarness({ signer: await loadOrCreateKeyFile(keyFile) });
    vi.stubEnv('TABLE_NAME', h.tableName);
    vi.stubEnv('DYNAMODB_ENDPOINT', dynamoEndpoint());
    vi.stubEnv('PATGATE_SIGNING_KEY_FILE', keyFile);
    vi.stubEnv('PATGATE_ROUTE_ROLES', JSON.stringify({ '* /admin/*': ['admin'] }));
    vi.stubEnv('PATGATE_DECISION_CACHE_SECONDS', '0');
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { handler } = await import('../../../functions/authorizer/handler.js');

    const u = await h.user();
    const session = await h.login(u.email, u.password);
    const pat = await h.pat(session, 'ci');
    const res = (await handler(restRequestEvent({ authorization: `Bearer ${pat}` }))) as IamAuthorizerResponse;
    expect(res.principalId).toBe(u.id);
    expect(res.policyDocument.Statement[0]).toEqual({ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: stageArn() });
    expect(res.policyDocument.Statement[1]).toMatchObject({ Effect: 'Deny' });
    expect(await handler(httpV2Event({ authorization: `Bearer ${pat}` }, { path: '/admin/users' }))).toEqual({ isAuthorized: false });

    await h.request(`/settings/tokens/${decodeJwt(pat).jti}`, { method: 'DELETE', headers: h.bearer(session) });
    await expect(handler(restRequestEvent({ authorization: `Bearer ${pat}` }))).rejects.toThrow(/^Unauthorized$/);
  });
});
