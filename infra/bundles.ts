/**
 * Where the Lambda bundles are. The stacks deploy exactly the files that
 * `npm run build` writes to `dist/<name>/index.mjs`; they never bundle on
 * their own, so what deploys is what `npm start`, the tests and the
 * benchmarks ran. `infra/app.ts` runs that build before synthesizing.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/** The bundles the stacks deploy. */
export type BundleName = 'api' | 'authorizer';

/** `dist/` of this checkout, wherever the CDK app is started from. */
export const DEFAULT_DIST_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

/** Raised at synth when a bundle is missing. */
export class MissingBundleError extends Error {
  override readonly name = 'MissingBundleError';
}

/**
 * The code asset for one bundle: the folder `dist/<name>` with its
 * `index.mjs` (source maps left out: they are 2 MB, and a Lambda only reads
 * them with `--enable-source-maps`, which slows cold starts).
 * Throws {@link MissingBundleError} naming the file and the command that
 * makes it, so a synth never deploys an empty or stale folder by accident.
 */
export function bundleCode(name: BundleName, distDir: string = DEFAULT_DIST_DIR): lambda.Code {
  const dir = join(distDir, name);
  const entry = join(dir, 'index.mjs');
  if (!existsSync(entry)) {
    throw new MissingBundleError(`${entry} is missing: run "npm run build" (it bundles the Lambda functions into ${distDir}) and synthesize again`);
  }
  return lambda.Code.fromAsset(dir, { exclude: ['*.map'] });
}
