/**
 * What every benchmark needs: an in-process dynalite with the table, a
 * signing key file, and a user with a session and a PAT.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// dynalite ships no types.
// @ts-expect-error no declaration file
import dynalite from 'dynalite';
import { loadConfig } from '../shared/config.js';
import { ensureTable } from '../shared/store/create-table.js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoClient, createDynamoStore } from '../shared/store/dynamo-store.js';
import { createRuntime, type Runtime } from '../shared/runtime.js';
import { loadOrCreateKeyFile } from '../shared/tokens/local-signer.js';
import { createPasswordHasher } from '../shared/users/password-hasher.js';

/** A running fixture. */
export interface BenchFixture {
  endpoint: string;
  tableName: string;
  keyFile: string;
  runtime: Runtime;
  userId: string;
  pat: string;
  session: string;
  /** The environment a bundle instance reads at import. */
  env(extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

/** An in-process dynalite with one table, for a benchmark. */
export interface BenchEngine {
  endpoint: string;
  tableName: string;
  client: DynamoDBClient;
  close(): Promise<void>;
}

/** Starts dynalite in memory and creates `tableName` from the table definition. */
export async function startBenchEngine(tableName: string): Promise<BenchEngine> {
  const server: Server = dynalite({ createTableMs: 0 });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = createDynamoClient({ tableName, endpoint });
  await ensureTable(client, tableName);
  return {
    endpoint,
    tableName,
    client,
    async close() {
      client.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

/** Starts the fixture. */
export async function startFixture(): Promise<BenchFixture> {
  const engine = await startBenchEngine('patgate-bench');
  const { endpoint, tableName, client } = engine;
  const dir = await mkdtemp(join(tmpdir(), 'patgate-bench-'));
  const keyFile = join(dir, 'signing-key.pem');
  const signer = await loadOrCreateKeyFile(keyFile);
  const config = loadConfig({ TABLE_NAME: tableName, DYNAMODB_ENDPOINT: endpoint, PATGATE_SIGNING_KEY_FILE: keyFile });
  const runtime = await createRuntime({ config, store: createDynamoStore(client, tableName), signer, publicKeys: [signer.publicJwk], passwords: createPasswordHasher({ N: 1024, r: 8, p: 1 }) });
  const user = await runtime.users.create({ email: 'bench@example.com', password: 'a long bench password', roles: ['auditor'] });
  const session = await runtime.tokens!.createSession(user.id);
  const pat = await runtime.tokens!.createPat(user.id, { name: 'bench', expiresIn: 3600 });
  // Use the PAT once so its last_used is fresh: decisions below pay no write.
  await runtime.authenticator.authenticate(pat);
  return {
    endpoint,
    tableName,
    keyFile,
    runtime,
    userId: user.id,
    pat,
    session,
    env: (extra = {}) => ({
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: endpoint,
      PATGATE_SIGNING_KEY_FILE: keyFile,
      PATGATE_ROUTE_ROLES: JSON.stringify({ '* /admin/*': ['admin'], 'GET /reports/*': ['auditor'] }),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...extra,
    }),
    async close() {
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
