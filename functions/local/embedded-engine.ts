import { mkdir } from 'node:fs/promises';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
// dynalite ships no types.
// @ts-expect-error no declaration file
import dynalite from 'dynalite';
import { readRunningEngine, removeEngineFile, writeEngineFile } from './engine-file.js';

/** A running embedded DynamoDB. */
export interface EmbeddedEngine {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Raised when another live process already runs the engine on the data folder. */
export class DataFolderInUseError extends Error {
  override readonly name = 'DataFolderInUseError';
}

/**
 * Starts dynalite persisted under `dataDir/db` on a loopback port, and writes
 * its endpoint to `dataDir/engine.json`. The LevelDB files are locked by this
 * process, so other tools reach the data through this endpoint instead. A
 * second engine on the same folder is refused up front: dynalite would
 * listen, then fail on its first request.
 */
export async function startEmbeddedEngine(dataDir: string, port = 0): Promise<EmbeddedEngine> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const running = await readRunningEngine(dataDir);
  if (running) {
    throw new DataFolderInUseError(
      `${dataDir} is in use by another patgate process (pid ${running.pid}, engine at ${running.endpoint}): stop it, or set PATGATE_DATA_DIR to another folder`,
    );
  }
  const server: Server = dynalite({ createTableMs: 0, path: join(dataDir, 'db') });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await writeEngineFile(dataDir, endpoint);
  return {
    endpoint,
    async close() {
      await removeEngineFile(dataDir);
      // dynalite's close also closes its LevelDB, releasing the lock.
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
