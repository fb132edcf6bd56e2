import type { TestProject } from 'vitest/node';
// dynalite ships no types.
// @ts-expect-error no declaration file
import dynalite from 'dynalite';
import type { AddressInfo, Server } from 'node:net';
import { buildAll } from '../../scripts/build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/**
 * Builds the bundles once (tests that run `npm start`'s server or CDK synth use
 * the same dist/ that deploys) and starts one in-memory dynalite for the whole
 * run; each test file makes its own tables.
 */
export default async function setup(project: TestProject) {
  await buildAll();
  const server: Server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  project.provide('dynamoEndpoint', `http://127.0.0.1:${port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
