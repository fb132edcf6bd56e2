import { parseArgs } from 'node:util';
import { systemClock } from '../../shared/clock.js';
import { isAppError } from '../../shared/errors.js';
import { rfc3339 } from '../../shared/http/time-format.js';
import { userJson } from '../../shared/http/user-json.js';
import type { TokenRecord } from '../../shared/store/records.js';
import { createPasswordHasher } from '../../shared/users/password-hasher.js';
import { createUserAdminService, type UserAdminService } from '../../shared/users/user-admin-service.js';
import { USAGE } from './cli-usage.js';
import { openStore, StoreOpenError, type StoreChoice, type StoreTarget } from './open-store.js';
import { PasswordInputError, readPassword, type PasswordInput } from './read-password.js';

/** The process parts the CLI uses, injected so tests can run it in-process too. */
export interface CliIo {
  stdin: PasswordInput;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Readonly<Record<string, string | undefined>>;
}

/** Exit statuses. */
export const EXIT = Object.freeze({ ok: 0, failed: 1, usage: 2 });

/** The command line is wrong: said with the usage, exit 2. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  table: { type: 'string' },
  'data-dir': { type: 'string' },
  email: { type: 'string' },
  password: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  role: { type: 'string', multiple: true },
  user: { type: 'string' },
  all: { type: 'boolean' },
  none: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parse>['values'];
type OptionName = keyof typeof OPTIONS;

const parse = (argv: string[]) => parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });

const GLOBAL: readonly OptionName[] = ['help', 'table', 'data-dir'];

/** What a command runs with once its command line checked out. */
interface Context {
  admin: UserAdminService;
  args: string[];
  values: Values;
  out: (line: string) => void;
  password?: string;
}

interface Command {
  options: readonly OptionName[];
  /** Positional arguments after the command words: [min, max]. */
  args: readonly [number, number];
  /** Checks what the parser cannot (run before the store is opened). */
  check?: (values: Values, args: string[]) => void;
  run(ctx: Context): Promise<void>;
}

/** Aligns rows into columns for a terminal. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

const tokenJson = (t: TokenRecord) => ({
  id: t.id,
  kind: t.kind,
  ...(t.name !== undefined ? { name: t.name } : {}),
  created_ts: rfc3339(t.createdAt),
  ...(t.expiresAt !== undefined ? { expiration_date: rfc3339(t.expiresAt) } : {}),
  ...(t.lastUsedAt !== undefined ? { last_used: rfc3339(t.lastUsedAt) } : {}),
});

const oneId = (what: string) => (_: Values, args: string[]) => {
  if (args.length !== 1) throw new UsageError(`${what} needs exactly one user ID`);
};

const COMMANDS: Record<string, Command> = {
  'users create': {
    options: ['email', 'password', 'password-stdin', 'role'],
    args: [0, 0],
    check(values) {
      if (values.email === undefined) throw new UsageError('users create needs --email EMAIL');
      if (values.password !== undefined && values['password-stdin']) throw new UsageError('give --password or --password-stdin, not both');
    },
    async run({ admin, values, out, password }) {
      const user = await admin.create({ email: values.email, password, roles: values.role ?? [] });
      out(user.id);
    },
  },
  'users list': {
    options: ['json'],
    args: [0, 0],
    async run({ admin, values, out }) {
      const users = await admin.list();
      if (values.json) return out(JSON.stringify(users.map(userJson), null, 2));
      if (users.length === 0) return out('no users');
      out(table(['ID', 'EMAIL', 'STATUS', 'ROLES', 'CREATED'], users.map((u) => [u.id, u.email, u.status, u.roles.join(',') || '-', rfc3339(u.createdAt)])));
    },
  },
  'users set-roles': {
    options: ['none'],
    args: [1, Infinity],
    check(values, args) {
      if (args.length === 0) throw new UsageError('users set-roles needs a user ID, then the roles');
      if (values.none && args.length > 1) throw new UsageError('give roles or --none, not both');
      if (!values.none && args.length === 1) throw new UsageError('give at least one role, or --none to remove every role');
    },
    async run({ admin, args, out }) {
      const [id, ...roles] = args as [string, ...string[]];
      const { user } = await admin.update(id, { roles });
      out(user.roles.length ? `user ${id} now has the roles ${user.roles.join(', ')}` : `user ${id} now has no roles`);
    },
  },
  'users disable': {
    options: [],
    args: [1, 1],
    check: oneId('users disable'),
    async run({ admin, args, out }) {
      await admin.update(args[0]!, { status: 'disabled' });
      out(`user ${args[0]} is disabled: its tokens are refused until it is enabled`);
    },
  },
  'users enable': {
    options: [],
    args: [1, 1],
    check: oneId('users enable'),
    async run({ admin, args, out }) {
      await admin.update(args[0]!, { status: 'active' });
      out(`user ${args[0]} is enabled`);
    },
  },
  'users delete': {
    options: [],
    args: [1, 1],
    check: oneId('users delete'),
    async run({ admin, args, out }) {
      await admin.delete(args[0]!);
      out(`user ${args[0]} and its tokens are deleted`);
    },
  },
  'tokens list': {
    options: ['user', 'json'],
    args: [0, 0],
    check(values) {
      if (values.user === undefined) throw new UsageError('tokens list needs --user ID');
    },
    async run({ admin, values, out }) {
      const tokens = await admin.listTokens(values.user!);
      if (values.json) return out(JSON.stringify(tokens.map(tokenJson), null, 2));
      if (tokens.length === 0) return out(`user ${values.user} has no live tokens`);
      const at = (ms: number | undefined, none: string) => (ms === undefined ? none : rfc3339(ms));
      out(
        table(
          ['ID', 'KIND', 'NAME', 'CREATED', 'EXPIRES', 'LAST USED'],
          tokens.map((t) => [t.id, t.kind, t.name ?? '-', rfc3339(t.createdAt), at(t.expiresAt, 'never'), at(t.lastUsedAt, '-')]),
        ),
      );
    },
  },
  'tokens revoke': {
    options: ['user', 'all'],
    args: [0, 1],
    check(values, args) {
      if (values.user === undefined) throw new UsageError('tokens revoke needs --user ID');
      if (values.all && args.length > 0) throw new UsageError('give a TOKEN_ID or --all, not both');
      if (!values.all && args.length === 0) throw new UsageError('give the TOKEN_ID to revoke, or --all to revoke every token of the user');
    },
    async run({ admin, values, args, out }) {
      if (values.all) {
        const n = await admin.revokeAllTokens(values.user!);
        return out(`revoked ${n} token${n === 1 ? '' : 's'} of user ${values.user}`);
      }
      await admin.revokeToken(values.user!, args[0]!);
      out(`revoked token ${args[0]} of user ${values.user}`);
    },
  },
};

/** One line for a failure: the message, plus the cause's when there is one (never a stack). */
function oneLine(err: Error): string {
  const cause = err.cause instanceof Error ? ` (${err.cause.name}: ${err.cause.message})` : '';
  return `${err.message}${cause}`.replace(/\s*\n\s*/g, ' ');
}

/**
 * Runs one CLI command and resolves its exit status. Checks the whole
 * command line (and reads the password) before it opens the store.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const out = (line: string) => void io.stdout.write(`${line}\n`);
  const fail = (line: string) => void io.stderr.write(`patgate: ${line}\n`);
  let target: StoreTarget | undefined;
  try {
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(argv);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      out(USAGE);
      return EXIT.ok;
    }
    if (positionals.length === 0) throw new UsageError('missing a command');
    const [group, action, ...args] = positionals as [string, string | undefined, ...string[]];
    const name = `${group} ${action ?? ''}`.trim();
    const command = COMMANDS[name];
    if (!command) {
      const known = ['users', 'tokens'].includes(group);
      throw new UsageError(known && !action ? `"${group}" needs a command after it` : `unknown command "${name}"`);
    }
    for (const option of Object.keys(values) as OptionName[]) {
      if (!GLOBAL.includes(option) && !command.options.includes(option)) throw new UsageError(`--${option} does not go with "${name}"`);
    }
    command.check?.(values, args);
    if (args.length < command.args[0] || args.length > command.args[1]) throw new UsageError(`"${name}" takes ${command.args[1] === 0 ? 'no arguments' : 'other arguments'}: got ${args.join(' ')}`);
    if (values.table !== undefined && values['data-dir'] !== undefined) throw new UsageError('give --table or --data-dir, not both');
    if (values.table !== undefined && values.table.trim() === '') throw new UsageError('--table needs a table name');

    let password: string | undefined;
    if (name === 'users create') {
      if (values.password !== undefined) {
        io.stderr.write('patgate: warning: --password leaves the password in your shell history; prefer the prompt or --password-stdin\n');
        password = values.password;
      } else password = await readPassword(io.stdin, io.stderr, { fromStdin: values['password-stdin'] === true });
    }

    const choice: StoreChoice = {
      ...(values.table !== undefined ? { table: values.table.trim() } : {}),
      ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    };
    target = await openStore(choice, io.env);
    const admin = createUserAdminService({ store: target.store, passwords: createPasswordHasher(), clock: systemClock });
    await command.run({ admin, args, values, out, ...(password !== undefined ? { password } : {}) });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError || err instanceof PasswordInputError || isAppError(err, 'bad_request')) {
      fail((err as Error).message);
      io.stderr.write(`\n${USAGE}`);
      return EXIT.usage;
    }
    if (isAppError(err) || err instanceof StoreOpenError) fail(oneLine(err));
    else fail(err instanceof Error ? `${err.name}: ${oneLine(err)}` : String(err));
    return EXIT.failed;
  } finally {
    await target?.close().catch(() => undefined);
  }
}
