/**
 * Builds the Lambda bundles (and the local tools) with esbuild: minified
 * ESM, AWS SDK bundled, ESM entry points preferred. These exact files are
 * deployed by CDK, run by `npm start` and loaded by the benchmarks.
 */
import { build, type BuildOptions } from 'esbuild';
import { chmod, rm } from 'node:fs/promises';
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

/** Builds every bundle into `dist/`. Tests call this once, in their global setup. */
export async function buildAll(outDir = 'dist'): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  await Promise.all(
    Object.entries(lambdas).map(([name, entry]) =>
      split.has(name)
        ? build({ ...common, entryPoints: { index: entry }, splitting: true, outdir: `${outDir}/${name}`, chunkNames: 'chunks/[name]-[hash]', outExtension: { '.js': '.mjs' } })
        : build({ ...common, entryPoints: [entry], outfile: `${outDir}/${name}/index.mjs` }),
    ),
  );
  await buildCli(outDir);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildAll();
