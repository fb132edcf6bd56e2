import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENGINE_FILE } from '../../../functions/local/engine-file.js';
import { startLocalServer, type LocalServer } from '../../../functions/local/server.js';
import { loadConfig } from '../../../shared/config.js';
import { createDynamoStore } from '../../../shared/store/dynamo-store.js';
import { generateLocalSigner } from '../../../shared/tokens/local-signer.js';
import { createRuntime } from '../../../shared/runtime.js';
import { dynamoEndpoint, freshTable, testClock, testPasswords } from '../../support/harness.js';

const BIN = resolve('dist/cli/patgate.mjs');
const PASSWORD = 'a long enough password';
const BASE = '/api/management/v1/useradm';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a real process, with only the environment given (plus PATH). */
function cli(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', AWS_EC2_METADATA_DISABLED: 'true', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => ok({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** A fresh table on the test dynalite, addressed the way a deployed table is (`--table`). */
async function deployed() {
  const { tableName, client } = await freshTable();
  const env = { DYNAMODB_ENDPOINT: dynamoEndpoint(), AWS_REGION: 'us-east-1' };
  const run = (args: string[], input?: string) => cli(['--table', tableName, ...args], { env, ...(input !== undefined ? { input } : {}) });
  const store = createDynamoStore(client, tableName);
  const signer = await generateLocalSigner();
  const runtime = await createRuntime({
    config: loadConfig({ TABLE_NAME: tableName, DYNAMODB_ENDPOINT: dynamoEndpoint() }),
    store,
    signer,
    publicKeys: [signer.publicJwk],
    clock: testClock(),
    passwords: testPasswords,
  });
  return { run, store, runtime, tableName };
}

const created = (r: Run) => {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout.trim();
};

const noStack = (r: Run) => expect(r.stderr).not.toMatch(/\n\s+at |\.ts:\d|\.mjs:\d/);

describe('patgate CLI', () => {
  const dirs: string[] = [];
  const servers: LocalServer[] = [];
  const tempDir = async () => {
    const d = await mkdtemp(join(tmpdir(), 'pg-cli-'));
    dirs.push(d);
    return d;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close().catch(() => undefined)));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('describes every command with --help and exits 0', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const command of ['users create', 'users list', 'users set-roles', 'users disable', 'users enable', 'users delete', 'tokens list', 'tokens revoke', '--table', '--password-stdin']) {
      expect(r.stdout).toContain(command);
    }
    expect((await cli(['users', 'create', '-h'])).stdout).toBe(r.stdout);
  });

  it('says what is wrong with a command line, then the usage, and exits 2 without touching any store', async () => {
    const cases: Array<[string[], string]> = [
      [[], 'missing a command'],
      [['frob'], 'unknown command "frob"'],
      [['users'], '"users" needs a command after it'],
      [['users', 'frob'], 'unknown command "users frob"'],
      [['users', 'list', '--bogus'], "Unknown option '--bogus'"],
      [['users', 'list', '--all'], '--all does not go with "users list"'],
      [['users', 'list', 'extra'], '"users list" takes no arguments: got extra'],
      [['users', 'create'], 'users create needs --email EMAIL'],
      [['users', 'create', '--email'], "Option '--email <value>' argument missing"],
      [['users', 'create', '--email', 'a@example.com', '--password', PASSWORD, '--password-stdin'], 'give --password or --password-stdin, not both'],
      [['users', 'set-roles'], 'users set-roles needs a user ID, then the roles'],
      [['users', 'set-roles', 'some-id'], 'give at least one role, or --none to remove every role'],
      [['users', 'set-roles', 'some-id', 'ops', '--none'], 'give roles or --none, not both'],
      [['users', 'disable'], 'users disable needs exactly one user ID'],
      [['users', 'enable', 'a', 'b'], 'users enable needs exactly one user ID'],
      [['users', 'delete'], 'users delete needs exactly one user ID'],
      [['tokens', 'list'], 'tokens list needs --user ID'],
      [['tokens', 'revoke', '--user', 'u'], 'give the TOKEN_ID to revoke, or --all to revoke every token of the user'],
      [['tokens', 'revoke', '--user', 'u', 't', '--all'], 'give a TOKEN_ID or --all, not both'],
      [['tokens', 'revoke', 't'], 'tokens revoke needs --user ID'],
      [['--table', ' ', 'users', 'list'], '--table needs a table name'],
      [['--table', 't', '--data-dir', 'd', 'users', 'list'], 'give --table or --data-dir, not both'],
      [['users', 'create', '--email', 'a@example.com'], 'no password on standard input'],
    ];
    // No store is reachable here: a usage error must be found before one is needed.
    const env = { DYNAMODB_ENDPOINT: 'http://127.0.0.1:9', TABLE_NAME: 'none' };
    const runs = await Promise.all(cases.map(([args]) => cli(args, { env })));
    runs.forEach((r, i) => {
      const [args, message] = cases[i]!;
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0], args.join(' ')).toContain(`patgate: ${message}`);
      expect(r.stderr).toContain('Usage: patgate');
      expect(r.stdout).toBe('');
    });
  });

  it('manages users and tokens in a deployed table (--table), with bad values as usage errors', async () => {
    const { run, store, runtime } = await deployed();
    // The password comes from stdin: piped here, prompted on a terminal.
    const rootId = created(await run(['users', 'create', '--email', 'root@example.com', '--role', 'admin'], `${PASSWORD}\n`));
    const userId = created(await run(['users', 'create', '--email', 'User@Example.com', '--role', 'ops', '--role', 'auditor', '--password-stdin'], PASSWORD));
    const flag = await run(['users', 'create', '--email', 'flag@example.com', '--password', PASSWORD]);
    expect(flag.code).toBe(0);
    expect(flag.stderr).toMatch(/warning: --password leaves the password in your shell history/);

    const bad: Array<[string[], string | undefined, string]> = [
      [['users', 'create', '--email', 'not-an-email'], PASSWORD, 'email: must be an email address'],
      [['users', 'create', '--email', 'x@example.com', '--role', 'bad role'], PASSWORD, 'roles: role "bad role" is not valid'],
      [['users', 'create', '--email', 'x@example.com'], 'short', 'password: must be at least 12 characters long'],
      [['users', 'set-roles', userId, 'ok', 'no/slash'], undefined, 'roles: role "no/slash" is not valid'],
    ];
    const badRuns = await Promise.all(bad.map(([args, input]) => run(args, input)));
    badRuns.forEach((r, i) => {
      expect(r.code, bad[i]![0].join(' ')).toBe(2);
      expect(r.stderr).toContain(`patgate: ${bad[i]![2]}`);
    });

    const list = await run(['users', 'list']);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+EMAIL\s+STATUS\s+ROLES\s+CREATED$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(1, 4))).toEqual([
      ['flag@example.com', 'active', '-'],
      ['root@example.com', 'active', 'admin'],
      ['User@Example.com', 'active', 'ops,auditor'],
    ]);
    const json = JSON.parse((await run(['users', 'list', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(json.find((u) => u.id === userId)).toEqual({
      id: userId,
      email: 'User@Example.com',
      roles: ['ops', 'auditor'],
      status: 'active',
      created_ts: expect.stringMatching(/Z$/),
      updated_ts: expect.stringMatching(/Z$/),
    });

    // Tokens made through the core; the CLI lists and revokes them.
    const session = await runtime.login!.login('user@example.com', PASSWORD);
    const pat = await runtime.tokens!.createPat(userId, { name: 'ci', expiresIn: 3600 });
    const patId = (await runtime.authenticator.authenticate(pat)).token.id;
    const tokens = await run(['tokens', 'list', '--user', userId]);
    expect(tokens.stdout).toMatch(/^ID\s+KIND\s+NAME\s+CREATED\s+EXPIRES\s+LAST USED\n/);
    expect(tokens.stdout).toContain(`${patId}  pat `);
    expect(JSON.parse((await run(['tokens', 'list', '--user', userId, '--json'])).stdout)).toHaveLength(2);

    expect(await run(['users', 'set-roles', userId, 'reader'])).toMatchObject({ code: 0, stdout: `user ${userId} now has the roles reader\n` });
    expect((await runtime.authenticator.authenticate(session)).user.roles).toEqual(['reader']);
    expect((await run(['users', 'set-roles', userId, '--none'])).stdout).toBe(`user ${userId} now has no roles\n`);

    expect((await run(['users', 'disable', userId])).code).toBe(0);
    await expect(runtime.authenticator.authenticate(pat)).rejects.toMatchObject({ code: 'unauthorized' });
    expect((await run(['users', 'enable', userId])).code).toBe(0);
    await runtime.authenticator.authenticate(pat);

    expect(await run(['tokens', 'revoke', '--user', userId, patId])).toMatchObject({ code: 0, stdout: `revoked token ${patId} of user ${userId}\n` });
    await expect(runtime.authenticator.authenticate(pat)).rejects.toMatchObject({ code: 'unauthorized' });
    const again = await run(['tokens', 'revoke', '--user', userId, patId]);
    expect(again).toMatchObject({ code: 1, stdout: '', stderr: `patgate: user ${userId} has no token ${patId}\n` });
    expect((await run(['tokens', 'revoke', '--user', userId, '--all'])).stdout).toBe(`revoked 1 token of user ${userId}\n`);
    await expect(runtime.authenticator.authenticate(session)).rejects.toMatchObject({ code: 'unauthorized' });
    expect((await run(['tokens', 'list', '--user', userId])).stdout).toBe(`user ${userId} has no live tokens\n`);

    expect((await run(['users', 'delete', userId])).stdout).toBe(`user ${userId} and its tokens are deleted\n`);
    expect(await store.getUser(userId)).toBeUndefined();

    // Store refusals: one line, exit 1, no stack.
    const refusals: Array<[string[], string | undefined, string]> = [
      [['users', 'create', '--email', 'ROOT@example.com'], PASSWORD, 'patgate: a user with email ROOT@example.com already exists\n'],
      [['users', 'disable', rootId], undefined, `patgate: user ${rootId} is the last active admin: make another user an active admin first, then disable, demote or delete this one\n`],
      [['users', 'delete', rootId], undefined, `patgate: user ${rootId} is the last active admin: make another user an active admin first, then disable, demote or delete this one\n`],
      [['users', 'set-roles', rootId, 'ops'], undefined, `patgate: user ${rootId} is the last active admin: make another user an active admin first, then disable, demote or delete this one\n`],
      [['users', 'enable', 'no-such-user'], undefined, 'patgate: user no-such-user does not exist\n'],
      [['users', 'delete', userId], undefined, `patgate: user ${userId} does not exist\n`],
      [['tokens', 'list', '--user', 'no-such-user'], undefined, 'patgate: user no-such-user does not exist\n'],
      [['tokens', 'revoke', '--user', 'no-such-user', '--all'], undefined, 'patgate: user no-such-user does not exist\n'],
    ];
    const refused = await Promise.all(refusals.map(([args, input]) => run(args, input)));
    refused.forEach((r, i) => expect(r, refusals[i]![0].join(' ')).toEqual({ code: 1, stdout: '', stderr: refusals[i]![2] }));
    // Nothing the CLI printed carries a password hash.
    const everything = JSON.stringify([await run(['users', 'list', '--json']), await run(['users', 'list'])]);
    expect(everything).not.toMatch(/scrypt\$/);
  });

  it('prints one line and exits 1 when the store cannot be reached or AWS has no credentials', async () => {
    const down = await cli(['--table', 'patgate', 'users', 'list'], { env: { DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' } });
    expect(down).toMatchObject({ code: 1, stdout: '' });
    expect(down.stderr).toMatch(/^patgate: cannot reach DynamoDB at http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED.*\n$/);
    noStack(down);

    const file = join(await tempDir(), 'a-file');
    await writeFile(file, '');
    const notAFolder = await cli(['--data-dir', join(file, 'data'), 'users', 'list']);
    expect(notAFolder).toMatchObject({ code: 1, stdout: '' });
    expect(notAFolder.stderr).toMatch(/^patgate: cannot open the data folder .*a-file\/data: ENOTDIR.*\n$/);

    const noCredentials = await cli(['--table', 'patgate-prod', 'users', 'list'], {
      env: { AWS_REGION: 'eu-west-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_PROFILE: 'none' },
    });
    expect(noCredentials.code).toBe(1);
    expect(noCredentials.stderr.trim().split('\n')).toHaveLength(1);
    expect(noCredentials.stderr).toMatch(/^patgate: the token store is unavailable; try again shortly \(\w+: .+\)\n$/);
    noStack(noCredentials);
  });

  it('works on a local data folder with no server running, opening the engine for the command only', async () => {
    const dataDir = await tempDir();
    const env = { PATGATE_DATA_DIR: dataDir };
    const id = created(await cli(['users', 'create', '--email', 'first@example.com', '--role', 'admin'], { env, input: PASSWORD }));
    await expect(stat(join(dataDir, ENGINE_FILE))).rejects.toThrow();
    expect((await cli(['users', 'list'], { env })).stdout).toContain(id);
    // --data-dir says the same; a stale engine file from a killed server is ignored.
    await writeFile(join(dataDir, ENGINE_FILE), JSON.stringify({ endpoint: 'http://127.0.0.1:9', pid: 2 ** 22 + 1 }));
    expect((await cli(['--data-dir', dataDir, 'users', 'list'])).stdout).toContain('first@example.com');

    // The server then finds the user the CLI made.
    const server = await startLocalServer({ env: { PATGATE_DATA_DIR: dataDir, PORT: '0', PATGATE_ADMIN_EMAIL: 'first@example.com' }, announce: false });
    servers.push(server);
    const login = await fetch(`${server.url}${BASE}/auth/login`, { method: 'POST', headers: { Authorization: `Basic ${Buffer.from(`first@example.com:${PASSWORD}`).toString('base64')}` } });
    expect(login.status).toBe(200);
    await server.close();
  });

  it('works in a second terminal while npm start runs on the same folder, through the server\'s engine', async () => {
    const dataDir = await tempDir();
    const server = await startLocalServer({
      env: { PATGATE_DATA_DIR: dataDir, PORT: '0', PATGATE_ADMIN_EMAIL: 'root@example.com', PATGATE_ADMIN_PASSWORD: PASSWORD },
      announce: false,
    });
    servers.push(server);
    const engine = JSON.parse(await readFile(join(dataDir, ENGINE_FILE), 'utf8')) as { endpoint: string };
    const env = { PATGATE_DATA_DIR: dataDir };
    const basic = (email: string) => ({ Authorization: `Basic ${Buffer.from(`${email}:${PASSWORD}`).toString('base64')}` });

    expect((await cli(['users', 'list'], { env })).stdout).toContain('root@example.com');
    const id = created(await cli(['users', 'create', '--email', 'second@example.com', '--role', 'ops'], { env, input: PASSWORD }));
    const session = await (await fetch(`${server.url}${BASE}/auth/login`, { method: 'POST', headers: basic('second@example.com') })).text();
    const me = async () => (await fetch(`${server.url}${BASE}/users/me`, { headers: { Authorization: `Bearer ${session}` } })).status;
    expect(await me()).toBe(200);

    expect((await cli(['users', 'disable', id], { env })).code).toBe(0);
    expect(await me()).toBe(401);
    expect((await cli(['users', 'enable', id], { env })).code).toBe(0);
    expect(await me()).toBe(200);
    expect((await cli(['tokens', 'revoke', '--user', id, '--all'], { env })).stdout).toBe(`revoked 1 token of user ${id}\n`);
    expect(await me()).toBe(401);

    // The CLI left the server's engine running and its file in place.
    expect(JSON.parse(await readFile(join(dataDir, ENGINE_FILE), 'utf8'))).toEqual(engine);
    expect((await fetch(`${server.url}${BASE}/auth/login`, { method: 'POST', headers: basic('root@example.com') })).status).toBe(200);
    await server.close();
  });
});
