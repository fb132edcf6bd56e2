/**
 * Builds the Lambda bundles (and the local tools) with esbuild: minified
 * ESM, AWS SDK bundled, ESM entry points preferred. These exact files are
 * deployed by CDK, run by `npm start` and loaded by the benchmarks.
 */
import { build, type BuildOptions } from 'esbuild';
import { chmod, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { uiPagePlugin } from './build-ui-client.js';

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  sourcemap: 'linked',
  mainFields: ['module', 'main'],
  legalComments: 'none',
  logLevel: 'warning',
  // The PAT page goes into the API bundle prerendered, as text.
  plugins: [uiPagePlugin],
  // ESM bundles have no `require`; some CJS dependencies still call it.
  banner: { js: "import { createRequire as __pgCreateRequire } from 'node:module'; const require = __pgCreateRequire(import.meta.url);" },
};

/** Lambda bundles: everything inside, nothing from node_modules at run time. */
const lambdas: Record<string, string> = {
  api: 'functions/api/handler.ts',
  authorizer: 'functions/authorizer/handler.ts',
  demo: 'functions/demo/handler.ts',
};

/**
 * Bundles split into chunks next to `index.mjs`: what the AWS SDK imports
 * dynamically (credential sources a Lambda never uses, the KMS client)
 * becomes chunks loaded only when called, so a cold start parses less.
 */
const split = new Set(['authorizer']);

/**
 * The CLI (`npx patgate`, the package's `bin`): split, so that dynalite
 * (left in node_modules: native LevelDB) loads only when the CLI opens a
 * local data folder itself, never for a deployed table.
 */
async function buildCli(outDir: string): Promise<void> {
  const options: BuildOptions = { splitting: true, outdir: `${outDir}/cli`, chunkNames: 'chunks/[name]-[hash]', outExtension: { '.js': '.mjs' }, external: ['dynalite'] };
  await build({ ...common, ...options, entryPoints: { patgate: 'functions/cli/patgate.ts' } });
  await chmod(`${outDir}/cli/patgate.mjs`, 0o755);
}

/**
 * Replaces `outDir` by `staging` with two renames, so that a reader of
 * `outDir` (another test run in the same checkout, `npm start`) never sees
 * it half-built. Retries when another build swapped in meanwhile.
 */
async function swapIn(staging: string, outDir: string): Promise<void> {
  const old = `${staging}.old`;
  for (let attempt = 0; ; attempt++) {
    await rename(outDir, old).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    try {
      await rename(staging, outDir);
      break;
    } catch (err) {
      if (attempt >= 5 || !['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
    } finally {
      await rm(old, { recursive: true, force: true });
    }
  }
}

/** Builds every bundle into `dist/`. Tests call this once, in their global setup. */
export async function buildAll(outDir = 'dist'): Promise<void> {
  // Built beside outDir (same filesystem, so the swap is a rename), then swapped in.
  const staging = join(dirname(resolve(outDir)), `.${basename(outDir)}.build-${process.pid}-${Date.now()}`);
  try {
    await Promise.all(
      Object.entries(lambdas).map(([name, entry]) =>
        split.has(name)
          ? build({ ...common, entryPoints: { index: entry }, splitting: true, outdir: `${staging}/${name}`, chunkNames: 'chunks/[name]-[hash]', outExtension: { '.js': '.mjs' } })
          : build({ ...common, entryPoints: [entry], outfile: `${staging}/${name}/index.mjs` }),
      ),
    );
    await buildCli(staging);
    await swapIn(staging, outDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildAll();
