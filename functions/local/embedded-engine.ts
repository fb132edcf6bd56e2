import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
// dynalite ships no types.
// @ts-expect-error no declaration file
import dynalite from 'dynalite';

/** The file in the data folder that tells other processes (the CLI) where the running engine listens. */
export const ENGINE_FILE = 'engine.json';

/** A running embedded DynamoDB. */
export interface EmbeddedEngine {
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts dynalite persisted under `dataDir/db` on a loopback port, and writes
 * its endpoint to `dataDir/engine.json`. The LevelDB files are locked by this
 * process, so other tools reach the data through this endpoint instead.
 */
export async function startEmbeddedEngine(dataDir: string, port = 0): Promise<EmbeddedEngine> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const server: Server = dynalite({ createTableMs: 0, path: join(dataDir, 'db') });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const engineFile = join(dataDir, ENGINE_FILE);
  await writeFile(engineFile, JSON.stringify({ endpoint, pid: process.pid }), { mode: 0o600 });
  return {
    endpoint,
    async close() {
      await rm(engineFile, { force: true });
      // dynalite's close also closes its LevelDB, releasing the lock.
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
