/**
 * `npx tsx bench/login-cost.ts`: what a login costs with the production
 * scrypt parameters, and whether an unknown email costs the same as a wrong
 * password (it should, so timing does not reveal accounts). Also the CLI's
 * wall time per command (run `npm run build` first). Figures are printed,
 * never asserted.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../shared/config.js';
import { createDynamoStore } from '../shared/store/dynamo-store.js';
import { createRuntime } from '../shared/runtime.js';
import { generateLocalSigner } from '../shared/tokens/local-signer.js';
import { createPasswordHasher, DEFAULT_SCRYPT_PARAMS } from '../shared/users/password-hasher.js';
import { startBenchEngine } from './fixture.js';
import { median } from './measure.js';

const ROUNDS = 15;
const PASSWORD = 'a long bench password';

const engine = await startBenchEngine('patgate-login-bench');
const { endpoint, tableName, client } = engine;
const store = createDynamoStore(client, tableName);
const signer = await generateLocalSigner();
const passwords = createPasswordHasher();
const runtime = await createRuntime({ config: loadConfig({ TABLE_NAME: tableName, DYNAMODB_ENDPOINT: endpoint }), store, signer, publicKeys: [signer.publicJwk], passwords });
const user = await runtime.users.create({ email: 'known@example.com', password: PASSWORD });
const hash = (await store.getUser(user.id))!.passwordHash;

const time = async (fn: () => Promise<unknown>) => {
  const start = performance.now();
  await fn().catch(() => undefined);
  return performance.now() - start;
};

const verify: number[] = [];
const success: number[] = [];
const wrong: number[] = [];
const unknown: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  // Interleaved, so drift in machine load hits every kind alike.
  verify.push(await time(() => passwords.verify(PASSWORD, hash)));
  success.push(await time(() => runtime.login!.login(user.email, PASSWORD)));
  wrong.push(await time(() => runtime.login!.login(user.email, 'not the password')));
  unknown.push(await time(() => runtime.login!.login(`ghost-${i}@example.com`, 'not the password')));
  // Keep the throttle out of the way: this measures the cost of a check, not of a 429.
  await store.clearLoginFailures(user.email);
}
const ms = (v: number[]) => `${median(v).toFixed(1)} ms`;
console.log(`scrypt N=${DEFAULT_SCRYPT_PARAMS.N}, r=${DEFAULT_SCRYPT_PARAMS.r}, p=${DEFAULT_SCRYPT_PARAMS.p}; medians of ${ROUNDS}, in-process dynalite`);
console.log(`  scrypt verify alone                    ${ms(verify)}`);
console.log(`  login, right password (session issued) ${ms(success)}`);
console.log(`  login, wrong password (401)            ${ms(wrong)}`);
console.log(`  login, unknown email (401)             ${ms(unknown)}`);
console.log(`  unknown minus wrong                    ${(median(unknown) - median(wrong)).toFixed(1)} ms`);

// The CLI, as a user runs it: node on the built bundle in dist/.
const bin = resolve('dist/cli/patgate.mjs');
if (!existsSync(bin)) {
  console.error('no dist/cli/patgate.mjs: run `npm run build` first');
  process.exit(1);
}
const dataDir = await mkdtemp(join(tmpdir(), 'patgate-bench-data-'));
const run = promisify(execFile);
const cli = async (args: string[], env: Record<string, string>) => {
  const start = performance.now();
  await run(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
  return performance.now() - start;
};
const help: number[] = [];
const own: number[] = [];
const shared: number[] = [];
for (let i = 0; i < 5; i++) {
  help.push(await cli(['--help'], {}));
  own.push(await cli(['users', 'list'], { PATGATE_DATA_DIR: dataDir }));
  shared.push(await cli(['--table', tableName, 'users', 'list'], { DYNAMODB_ENDPOINT: endpoint }));
}
console.log('CLI wall time per command (node dist/cli/patgate.mjs), medians of 5');
console.log(`  --help                                      ${ms(help)}`);
console.log(`  users list, data folder (starts its engine) ${ms(own)}`);
console.log(`  users list, a running engine (--table)      ${ms(shared)}`);

await engine.close();
await rm(dataDir, { recursive: true, force: true });
