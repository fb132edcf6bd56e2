import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadConfig, type Config } from '../../shared/config.js';
import { createDynamoClient, createDynamoStore } from '../../shared/store/dynamo-store.js';
import { ensureTable } from '../../shared/store/create-table.js';
import { generateLocalSigner, type LocalSigner } from '../../shared/tokens/local-signer.js';
import { createPasswordHasher } from '../../shared/users/password-hasher.js';
import { createRuntime, type Runtime } from '../../shared/runtime.js';
import { createApp } from '../../shared/http/app.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { Clock } from '../../shared/clock.js';

/** A clock tests can move. */
export interface TestClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

/** A clock that starts at the real time and moves only when told. */
export function testClock(start = Date.now()): TestClock {
  let t = start;
  return { now: () => t, set: (ms) => void (t = ms), advance: (ms) => void (t += ms) };
}

/** Cheap scrypt parameters so tests stay fast; production uses the defaults. */
export const testPasswords = createPasswordHasher({ N: 1024, r: 8, p: 1 });

/** The dynalite endpoint started by the global setup. */
export const dynamoEndpoint = (): string => inject('dynamoEndpoint');

/** A fresh table on the shared dynalite. */
export async function freshTable(client?: DynamoDBClient): Promise<{ tableName: string; client: DynamoDBClient }> {
  const tableName = `t-${randomUUID()}`;
  // A generous call limit: the suite shares two cores with Chromium and CDK
  // synths, and only the tests of the limit itself need the tight default.
  const c = client ?? createDynamoClient({ tableName, endpoint: dynamoEndpoint(), deadlineMs: 10_000 });
  await ensureTable(c, tableName);
  return { tableName, client: c };
}

/** Options for {@link createHarness}. */
export interface HarnessOptions {
  env?: Record<string, string>;
  clock?: TestClock;
  signer?: LocalSigner;
  logger?: Logger;
  client?: DynamoDBClient;
}

/** A wired runtime and app on a fresh table, with helpers for common steps. */
export async function createHarness(opts: HarnessOptions = {}) {
  const { tableName, client } = await freshTable(opts.client);
  const config: Config = loadConfig({ TABLE_NAME: tableName, DYNAMODB_ENDPOINT: dynamoEndpoint(), ...opts.env });
  const clock = opts.clock ?? testClock();
  const signer = opts.signer ?? (await generateLocalSigner());
  const store = createDynamoStore(client, tableName);
  const runtime: Runtime = await createRuntime({ config, store, signer, publicKeys: [signer.publicJwk], clock, passwords: testPasswords });
  const app = createApp({ runtime, logger: opts.logger ?? silentLogger });
  const base = 'http://localhost/api/management/v1/useradm';
  const basic = (email: string, password: string) => `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;

  const h = {
    config,
    clock,
    signer,
    store,
    client,
    tableName,
    runtime,
    app,
    /** Calls the app at a management API path. */
    request: (path: string, init: RequestInit = {}) => app.request(`${base}${path}`, init),
    /** Creates a user directly through the core. */
    async user(email = `u-${randomUUID()}@example.com`, roles: string[] = [], password = 'correct horse battery') {
      const u = await runtime.users.create({ email, password, roles });
      return { ...u, password };
    },
    /** Logs in and returns the session token. */
    async login(email: string, password: string): Promise<string> {
      const res = await app.request(`${base}/auth/login`, { method: 'POST', headers: { Authorization: basic(email, password) } });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      return res.text();
    },
    /** Creates a PAT with a session token. */
    async pat(session: string, name = `pat-${randomUUID()}`, expiresIn = 3600): Promise<string> {
      const res = await app.request(`${base}/settings/tokens`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${session}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name, expires_in: expiresIn }),
      });
      if (res.status !== 200) throw new Error(`PAT create failed: ${res.status} ${await res.text()}`);
      return res.text();
    },
    basic,
    bearer: (token: string) => ({ Authorization: `Bearer ${token}` }),
  };
  return h;
}

/** The harness returned by {@link createHarness}. */
export type Harness = Awaited<ReturnType<typeof createHarness>>;
