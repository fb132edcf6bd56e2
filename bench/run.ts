/**
 * `npm run bench`: the authorizer's figures, measured side by side in one
 * run on the bundle that deploys (dist/authorizer/index.mjs). Figures are
 * printed, never asserted (the request count is also asserted in a test).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { importJWK, jwtVerify } from 'jose';
import { createAuthorizerHandler, type AuthorizerHandler } from '../functions/authorizer/create-handler.js';
import { createDynamoClient, createDynamoStore } from '../shared/store/dynamo-store.js';
import { createRuntime } from '../shared/runtime.js';
import { countRequests } from '../test/support/request-counter.js';
import { bundleSize } from './bundle-size.js';
import { startFixture, type BenchFixture } from './fixture.js';
import { callsPerSecond, interleaved, median, perCallMicros } from './measure.js';

const run = promisify(execFile);

// The very files that deploy: `npm run bench` runs `npm run build` first.
const BUNDLE_DIR = resolve(process.env.BENCH_BUNDLE_DIR ?? 'dist/authorizer');
if (!existsSync(join(BUNDLE_DIR, 'index.mjs'))) {
  console.error(`no bundle at ${BUNDLE_DIR}/index.mjs: run \`npm run bench\` (it builds first) or \`npm run build\``);
  process.exit(1);
}
const BUNDLE = resolve(BUNDLE_DIR, 'index.mjs');
const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod/GET/reports/2026';
const tokenEvent = (token: string) => ({ type: 'TOKEN' as const, authorizationToken: `Bearer ${token}`, methodArn: METHOD_ARN });

let instances = 0;
/** Imports a fresh instance of the bundle (its own cold start) with `env` set, as Lambda would. */
async function loadBundle(env: Record<string, string>): Promise<AuthorizerHandler> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return ((await import(`${pathToFileURL(BUNDLE).href}?bench=${++instances}`)) as { handler: AuthorizerHandler }).handler;
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

/** Warm decision (cached) against a bare jwtVerify of the same token. */
async function warmDecision(fx: BenchFixture) {
  const handler = await loadBundle(fx.env());
  const key = await importJWK(fx.runtime.publicKeys[0]!, 'ES256');
  const event = tokenEvent(fx.pat);
  await handler(event);
  const verify = () => jwtVerify(fx.pat, key, { algorithms: ['ES256'], issuer: 'patgate', typ: 'at+jwt' });
  for (let i = 0; i < 2000; i++) await Promise.all([handler(event), verify()]); // JIT warm-up
  const [decision, bare] = await interleaved(
    () => perCallMicros(() => handler(event), 5000),
    () => perCallMicros(verify, 5000),
    7,
  );
  return { decisionMicros: decision, jwtVerifyMicros: bare, ratio: decision / bare };
}

/** DynamoDB requests per decision, counted by an SDK middleware on the real handler. */
async function requestsPerDecision(fx: BenchFixture) {
  const client = createDynamoClient({ tableName: fx.tableName, endpoint: fx.endpoint });
  const counter = countRequests(client);
  const runtime = await createRuntime({ config: { ...fx.runtime.config, decisionCacheSeconds: 5 }, store: createDynamoStore(client, fx.tableName), publicKeys: fx.runtime.publicKeys });
  const handler = createAuthorizerHandler({ runtime });
  counter.reset();
  await handler(tokenEvent(fx.pat));
  const uncached = counter.total;
  counter.reset();
  for (let i = 0; i < 100; i++) await handler(tokenEvent(fx.pat));
  const cached = counter.total / 100;
  client.destroy();
  return { uncached, cached };
}

/** A fresh `node` importing the bundle and making one decision, against a bare `node -e ""`. */
async function coldStart(fx: BenchFixture) {
  const child = `
    const t0 = performance.now();
    const { handler } = await import(${JSON.stringify(pathToFileURL(BUNDLE).href)});
    const t1 = performance.now();
    const r = await handler({ type: 'TOKEN', authorizationToken: 'Bearer ' + process.env.BENCH_TOKEN, methodArn: ${JSON.stringify(METHOD_ARN)} });
    const t2 = performance.now();
    if (r.principalId !== process.env.BENCH_USER) process.exit(3);
    console.log(JSON.stringify({ importMs: t1 - t0, decisionMs: t2 - t1 }));`;
  const env = { ...process.env, ...fx.env({ BENCH_TOKEN: fx.pat, BENCH_USER: fx.userId }) };
  const phases: Array<{ importMs: number; decisionMs: number }> = [];
  const time = async (args: string[], collect: boolean) => {
    const start = performance.now();
    const { stdout } = await run(process.execPath, args, { env });
    const ms = performance.now() - start;
    if (collect) phases.push(JSON.parse(stdout) as { importMs: number; decisionMs: number });
    return ms;
  };
  await time(['-e', ''], false);
  const [bare, authorizer] = await interleaved(
    () => time(['-e', ''], false),
    () => time(['--input-type=module', '-e', child], true),
    15,
  );
  return { bareMs: bare, authorizerMs: authorizer, ratio: authorizer / bare, importMs: median(phases.map((p) => p.importMs)), decisionMs: median(phases.map((p) => p.decisionMs)) };
}

/** Sequential decisions per second: every one verified and read from dynalite, and all from the cache. */
async function throughput(fx: BenchFixture) {
  const cold = await loadBundle(fx.env({ PATGATE_DECISION_CACHE_SECONDS: '0' }));
  const warm = await loadBundle(fx.env({ PATGATE_DECISION_CACHE_SECONDS: '5' }));
  const event = tokenEvent(fx.pat);
  await callsPerSecond(() => cold(event), 300);
  const coldPerSecond = await callsPerSecond(() => cold(event), 2000);
  await callsPerSecond(() => warm(event), 300);
  const warmPerSecond = await callsPerSecond(() => warm(event), 1000);
  return { coldPerSecond, warmPerSecond };
}

const fx = await startFixture();
try {
  const size = await bundleSize(BUNDLE_DIR);
  const requests = await requestsPerDecision(fx);
  const warm = await warmDecision(fx);
  const cold = await coldStart(fx);
  const tp = await throughput(fx);
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  const rows: Array<[string, string, string]> = [
    ['warm decision (cached) vs bare jwtVerify', `${warm.decisionMicros.toFixed(1)} µs vs ${warm.jwtVerifyMicros.toFixed(1)} µs = ${warm.ratio.toFixed(2)}x`, '<= 1.2x'],
    ['DynamoDB requests per decision', `${requests.uncached} uncached, ${requests.cached} cached`, '1 and 0'],
    ['cold start: import + 1 decision vs node -e ""', `${cold.authorizerMs.toFixed(0)} ms vs ${cold.bareMs.toFixed(0)} ms = ${cold.ratio.toFixed(2)}x (import ${cold.importMs.toFixed(0)} ms, decision ${cold.decisionMs.toFixed(0)} ms)`, '<= 1.8x'],
    ['bundle size (minified, loaded at cold start)', `${kb(size.eagerBytes)} (${kb(size.eagerGzipBytes)} gzip; ${size.files} file(s), ${kb(size.totalBytes)} on disk)`, '<= 300 KB'],
    ['throughput, one core, cold cache (dynalite)', `${tp.coldPerSecond.toFixed(0)} decisions/s`, ''],
    ['throughput, one core, warm cache', `${tp.warmPerSecond.toFixed(0)} decisions/s`, ''],
  ];
  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
  console.log(`\npatgate authorizer benchmark (node ${process.version}, the dist/authorizer build)\n`);
  console.log(`${'figure'.padEnd(w[0]!)}  ${'measured'.padEnd(w[1]!)}  goal`);
  for (const [name, value, goal] of rows) console.log(`${name.padEnd(w[0]!)}  ${value.padEnd(w[1]!)}  ${goal}`);
} finally {
  await fx.close();
}
