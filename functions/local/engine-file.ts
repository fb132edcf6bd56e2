import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The file in the data folder that tells other processes (the CLI, a second
 * server) where the running embedded engine listens. Kept apart from
 * embedded-engine.ts so that reading it never loads dynalite.
 */
export const ENGINE_FILE = 'engine.json';

/** A running engine, as its engine file describes it. */
export interface RunningEngine {
  readonly endpoint: string;
  readonly pid: number;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The engine running on `dataDir`, if its process is alive (a killed server leaves a stale file; its lock died with it). */
export async function readRunningEngine(dataDir: string): Promise<RunningEngine | undefined> {
  let raw: string;
  try {
    raw = await readFile(join(dataDir, ENGINE_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: { endpoint?: unknown; pid?: unknown };
  try {
    parsed = JSON.parse(raw) as typeof parsed;
  } catch {
    return undefined;
  }
  if (typeof parsed.endpoint !== 'string' || typeof parsed.pid !== 'number') return undefined;
  return isAlive(parsed.pid) ? { endpoint: parsed.endpoint, pid: parsed.pid } : undefined;
}

/** Records this process's engine endpoint in `dataDir`. */
export async function writeEngineFile(dataDir: string, endpoint: string): Promise<void> {
  await writeFile(join(dataDir, ENGINE_FILE), JSON.stringify({ endpoint, pid: process.pid }), { mode: 0o600 });
}

/** Removes the engine file. */
export async function removeEngineFile(dataDir: string): Promise<void> {
  await rm(join(dataDir, ENGINE_FILE), { force: true });
}
