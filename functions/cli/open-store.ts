import { join, resolve } from 'node:path';
import { loadConfig } from '../../shared/config.js';
import { ensureTable } from '../../shared/store/create-table.js';
import { createDynamoClient, createDynamoStore } from '../../shared/store/dynamo-store.js';
import { createDynamoClientFor } from '../../shared/wiring.js';
import type { Store } from '../../shared/store/store.js';
import { ENGINE_FILE, readRunningEngine } from '../local/engine-file.js';

/** The store a CLI command works on, and how to let go of it. */
export interface StoreTarget {
  readonly store: Store;
  /** Where the data is, for messages. */
  readonly where: string;
  close(): Promise<void>;
}

/** Call limit on the local engine, which shares the machine with the server. */
const LOCAL_DEADLINE_MS = 5000;

/** Where the CLI was told to look. */
export interface StoreChoice {
  /** `--table NAME`: a deployed table, with the usual AWS credentials and region. */
  table?: string;
  /** `--data-dir DIR`: the local data folder (default PATGATE_DATA_DIR or .patgate). */
  dataDir?: string;
}

/** A failure to reach the data, said in one line. */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Finds the data exactly where `npm start` would:
 *
 * 1. `--table NAME` (or TABLE_NAME / DYNAMODB_ENDPOINT in the environment,
 *    as for the server): that table, with the usual AWS credentials and
 *    region (DYNAMODB_ENDPOINT points elsewhere, e.g. dynalite).
 * 2. Otherwise the local data folder. When `npm start` is running on it,
 *    the embedded engine's files are locked by the server, so the CLI talks
 *    to the server's engine at the endpoint in `<dataDir>/engine.json`.
 *    When no server runs, the CLI starts the embedded engine on the folder
 *    itself for the command's duration.
 */
export async function openStore(choice: StoreChoice, env: Env): Promise<StoreTarget> {
  if (choice.table !== undefined || env.TABLE_NAME?.trim() || env.DYNAMODB_ENDPOINT?.trim()) {
    // A person waits on the CLI, and its first AWS call also resolves
    // credentials (SSO, a profile): a generous limit unless one is set.
    const config = loadConfig({ PATGATE_DYNAMODB_TIMEOUT_MS: '10000', ...env, ...(choice.table !== undefined ? { TABLE_NAME: choice.table } : {}) });
    const client = createDynamoClientFor(config);
    // A deployed table is made by the stack; a local endpoint may still be empty.
    if (config.dynamodbEndpoint) {
      await ensureTable(client, config.tableName).catch((err: unknown) => {
        client.destroy();
        throw new StoreOpenError(`cannot reach DynamoDB at ${config.dynamodbEndpoint}: ${(err as Error).message}`);
      });
    }
    return {
      store: createDynamoStore(client, config.tableName),
      where: `table ${config.tableName}${config.dynamodbEndpoint ? ` at ${config.dynamodbEndpoint}` : ` in ${config.region ?? 'the default AWS region'}`}`,
      close: async () => client.destroy(),
    };
  }

  const dataDir = resolve(choice.dataDir ?? (env.PATGATE_DATA_DIR?.trim() || '.patgate'));
  const tableName = loadConfig(env).tableName;
  try {
    return await openDataFolder(dataDir, tableName);
  } catch (err) {
    if (err instanceof StoreOpenError) throw err;
    throw new StoreOpenError(`cannot open the data folder ${dataDir}: ${(err as Error).message}`);
  }
}

/** The local data folder: through the running server's engine, or an engine of our own. */
async function openDataFolder(dataDir: string, tableName: string): Promise<StoreTarget> {
  const running = await readRunningEngine(dataDir);
  if (running) {
    const client = createDynamoClient({ tableName, endpoint: running.endpoint, deadlineMs: LOCAL_DEADLINE_MS });
    try {
      await ensureTable(client, tableName);
    } catch {
      client.destroy();
      throw new StoreOpenError(
        `the patgate server (pid ${running.pid}) holds ${dataDir} but its engine does not answer at ${running.endpoint}; ` +
          `stop that server, or if none is running remove ${join(dataDir, ENGINE_FILE)}`,
      );
    }
    return { store: createDynamoStore(client, tableName), where: `${dataDir} (through the running server's engine)`, close: async () => client.destroy() };
  }

  // Loaded only here: a deployed table needs no local engine (and dynalite is not in the bundle).
  const { startEmbeddedEngine } = await import('../local/embedded-engine.js');
  const engine = await startEmbeddedEngine(dataDir);
  const client = createDynamoClient({ tableName, endpoint: engine.endpoint, deadlineMs: LOCAL_DEADLINE_MS });
  try {
    await ensureTable(client, tableName);
  } catch (err) {
    client.destroy();
    await engine.close();
    throw err;
  }
  return {
    store: createDynamoStore(client, tableName),
    where: dataDir,
    async close() {
      client.destroy();
      await engine.close();
    },
  };
}
