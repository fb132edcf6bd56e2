import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type QueryCommandInput,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import { AppError, isAppError } from '../errors.js';
import { TABLE } from '../table.js';
import type { TokenKind } from '../tokens/claims.js';
import type { Store } from './store.js';
import type { TokenRecord, UserRecord, UserStatus, UserVersion } from './records.js';

type Item = Record<string, AttributeValue>;

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = TABLE;
const GSI = TABLE.usersIndex;

const userPk = (id: string) => `USER#${id}`;
const emailPk = (email: string) => `EMAIL#${email.toLowerCase()}`;
const PROFILE = 'PROFILE';
const tokenSk = (id: string) => `TOKEN#${id}`;
const nameSk = (name: string) => `PATNAME#${name}`;
const slotSk = (n: number) => `PATSLOT#${String(n).padStart(4, '0')}`;
const loginPk = (email: string) => `LOGIN#${email.trim().toLowerCase()}`;
const LOGIN = 'LOGIN';
const GUARD_PK = 'GUARD#ADMINS';
const GUARD = 'GUARD';

/** How long a claim without its token record counts as a create still in flight. */
export const CLAIM_GRACE_MS = 60_000;

const S = (s: string): AttributeValue => ({ S: s });
const N = (n: number): AttributeValue => ({ N: String(n) });
const key = (pk: string, sk: string): Item => ({ [PK]: S(pk), [SK]: S(sk) });
const ttlOf = (expiresAt: number | undefined): Item => (expiresAt === undefined ? {} : { [TTL]: N(Math.ceil(expiresAt / 1000)) });

const str = (item: Item, name: string): string | undefined => item[name]?.S;
const num = (item: Item, name: string): number | undefined => (item[name]?.N === undefined ? undefined : Number(item[name]!.N));

/** Options for {@link createDynamoStore}. */
export interface DynamoStoreOptions {
  tableName: string;
  /** A local engine (dynalite) or another DynamoDB; absent means AWS. */
  endpoint?: string;
  region?: string;
  /** Extra client configuration (tests add middleware through `client`). */
  clientConfig?: DynamoDBClientConfig;
  /** One call's limit, retries included (default {@link CALL_DEADLINE_MS}); each attempt gets half. */
  deadlineMs?: number;
}

/**
 * One call's default limit, retries and backoff included. Each of the two
 * attempts gets half of it, connecting included. Two calls (the authorizer's
 * read, then a due `last_used` write) still end within two seconds.
 */
export const CALL_DEADLINE_MS = 900;

/** Rejects when `work` has not settled within `ms`. */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error(`DynamoDB did not answer within ${ms} ms`), { name: 'TimeoutError' })), ms);
    work.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (err: unknown) => (clearTimeout(timer), reject(err)),
    );
  });
}

/**
 * Builds the DynamoDB client with bounded retries and timeouts, so that a
 * store failure ends a request within about two seconds.
 */
export function createDynamoClient(options: DynamoStoreOptions): DynamoDBClient {
  const deadlineMs = options.deadlineMs ?? CALL_DEADLINE_MS;
  const attemptMs = Math.max(50, Math.floor(deadlineMs / 2));
  const client = new DynamoDBClient({
    // No region: the SDK's chain (environment, profile) decides; a local engine ignores it.
    ...(options.region ? { region: options.region } : options.endpoint ? { region: 'us-east-1' } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 2,
    // Without throwOnRequestTimeout the SDK only warns and waits on a silent server forever.
    requestHandler: { connectionTimeout: Math.min(300, attemptMs), requestTimeout: attemptMs, throwOnRequestTimeout: true },
    ...options.clientConfig,
  });
  // The initialize step wraps the retry loop: this bounds the whole call.
  client.middlewareStack.add((next) => (args) => withDeadline(next(args), deadlineMs), { step: 'initialize', name: 'patgateCallDeadline' });
  return client;
}

function userToItem(u: UserRecord): Item {
  return {
    ...key(userPk(u.id), PROFILE),
    [GSI.partitionKey]: S('USERS'),
    [GSI.sortKey]: S(u.email.toLowerCase()),
    id: S(u.id),
    email: S(u.email),
    passwordHash: S(u.passwordHash),
    // A list (not a string set) so an empty role list can be stored.
    roles: { L: u.roles.map(S) },
    status: S(u.status),
    createdAt: N(u.createdAt),
    updatedAt: N(u.updatedAt),
    ...(u.rev !== undefined ? { rev: N(u.rev) } : {}),
  };
}

function itemToUser(item: Item): UserRecord {
  const rev = num(item, 'rev');
  return {
    id: str(item, 'id')!,
    email: str(item, 'email')!,
    passwordHash: str(item, 'passwordHash')!,
    roles: (item.roles?.L ?? []).map((r) => r.S!),
    status: (str(item, 'status') as UserStatus) ?? 'disabled',
    createdAt: num(item, 'createdAt')!,
    updatedAt: num(item, 'updatedAt')!,
    ...(rev !== undefined ? { rev } : {}),
  };
}

function tokenToItem(t: TokenRecord): Item {
  return {
    ...key(userPk(t.userId), tokenSk(t.id)),
    id: S(t.id),
    userId: S(t.userId),
    kind: S(t.kind),
    createdAt: N(t.createdAt),
    ...(t.name !== undefined ? { name: S(t.name) } : {}),
    ...(t.expiresAt !== undefined ? { expiresAt: N(t.expiresAt) } : {}),
    ...(t.lastUsedAt !== undefined ? { lastUsedAt: N(t.lastUsedAt) } : {}),
    ...ttlOf(t.expiresAt),
  };
}

function itemToToken(item: Item): TokenRecord {
  const name = str(item, 'name');
  const expiresAt = num(item, 'expiresAt');
  const lastUsedAt = num(item, 'lastUsedAt');
  return {
    id: str(item, 'id')!,
    userId: str(item, 'userId')!,
    kind: str(item, 'kind') as TokenKind,
    createdAt: num(item, 'createdAt')!,
    ...(name !== undefined ? { name } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(lastUsedAt !== undefined ? { lastUsedAt } : {}),
  };
}

/**
 * The condition "the profile is still at this version" (same updatedAt and
 * rev; a profile written before revs existed has none).
 */
function versionCondition(v: UserVersion): { expression: string; names: Record<string, string>; values: Item } {
  return {
    expression: `attribute_exists(#pk) AND updatedAt = :u AND ${v.rev === undefined ? 'attribute_not_exists(#rev)' : '#rev = :rev'}`,
    names: { '#pk': PK, '#rev': 'rev' },
    values: { ':u': N(v.updatedAt), ...(v.rev === undefined ? {} : { ':rev': N(v.rev) }) },
  };
}

const isConditionFailed = (err: unknown): boolean =>
  err instanceof ConditionalCheckFailedException || (err as { name?: string })?.name === 'ConditionalCheckFailedException';

/**
 * Turns an SDK failure into our error model. Anything the SDK throws that is
 * not a failed condition means the store could not answer: `unavailable`.
 */
function storeFailure(err: unknown): AppError {
  if (isAppError(err)) return err;
  return new AppError('unavailable', 'the token store is unavailable; try again shortly', {}, { cause: err });
}

/** The DynamoDB implementation of {@link Store}. Build once per process. */
export function createDynamoStore(client: DynamoDBClient, tableName: string): Store {
  const TableName = tableName;

  async function send<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw storeFailure(err);
    }
  }

  /** Runs a conditional write; resolves false when the condition failed. */
  async function conditional(fn: () => Promise<unknown>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw storeFailure(err);
    }
  }

  /** Runs a Query to its last page. */
  async function queryPages(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const out = await send(() => client.send(new QueryCommand({ ...input, TableName, ExclusiveStartKey })));
      items.push(...(out.Items ?? []));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  const queryAll = (pk: string, skPrefix: string): Promise<Item[]> =>
    queryPages({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :sk)',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: { ':pk': S(pk), ':sk': S(skPrefix) },
      ConsistentRead: true,
    });

  const deleteKey = (pk: string, sk: string) => send(() => client.send(new DeleteItemCommand({ TableName, Key: key(pk, sk) })));

  async function getUser(id: string): Promise<UserRecord | undefined> {
    const out = await send(() => client.send(new GetItemCommand({ TableName, Key: key(userPk(id), PROFILE), ConsistentRead: true })));
    return out.Item ? itemToUser(out.Item) : undefined;
  }

  /** Claims an email for a user; false when another user holds it. */
  const claimEmail = (email: string, userId: string) =>
    conditional(() =>
      client.send(
        new PutItemCommand({
          TableName,
          Item: { ...key(emailPk(email), 'EMAIL'), userId: S(userId) },
          ConditionExpression: 'attribute_not_exists(#pk) OR userId = :id',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':id': S(userId) },
        }),
      ),
    );

  /** Releases an email claim only if this user holds it. */
  const releaseEmail = (email: string, userId: string) =>
    conditional(() =>
      client.send(
        new DeleteItemCommand({
          TableName,
          Key: key(emailPk(email), 'EMAIL'),
          ConditionExpression: 'userId = :id',
          ExpressionAttributeValues: { ':id': S(userId) },
        }),
      ),
    );

  /**
   * A claim item (name or slot) is free when absent, expired, or abandoned:
   * its token record does not exist although the claim is older than
   * {@link CLAIM_GRACE_MS}. The grace keeps an in-flight create (claimed, record
   * not yet written) from being taken over by a concurrent one.
   */
  async function claim(userId: string, sk: string, tokenId: string, expiresAt: number | undefined, now: number): Promise<boolean> {
    const put = (extraCondition: string, values: Item) =>
      conditional(() =>
        client.send(
          new PutItemCommand({
            TableName,
            Item: {
              ...key(userPk(userId), sk),
              tokenId: S(tokenId),
              claimedAt: N(now),
              ...(expiresAt !== undefined ? { expiresAt: N(expiresAt) } : {}),
              ...ttlOf(expiresAt),
            },
            ConditionExpression: `attribute_not_exists(#pk) OR (attribute_exists(expiresAt) AND expiresAt <= :now)${extraCondition}`,
            ExpressionAttributeNames: { '#pk': PK },
            ExpressionAttributeValues: { ':now': N(now), ...values },
          }),
        ),
      );
    if (await put('', {})) return true;
    // The holder may be a PAT whose record vanished (a revoke interrupted
    // between its deletes). Take the claim over only if it still names that token.
    const out = await send(() => client.send(new GetItemCommand({ TableName, Key: key(userPk(userId), sk), ConsistentRead: true })));
    const holder = out.Item ? str(out.Item, 'tokenId') : undefined;
    if (!holder) return put('', {});
    if ((num(out.Item!, 'claimedAt') ?? 0) > now - CLAIM_GRACE_MS) return false;
    const record = await send(() => client.send(new GetItemCommand({ TableName, Key: key(userPk(userId), tokenSk(holder)), ConsistentRead: true })));
    if (record.Item) return false;
    return put(' OR (tokenId = :holder AND claimedAt < :grace)', { ':holder': S(holder), ':grace': N(now - CLAIM_GRACE_MS) });
  }

  const store: Store = {
    async createUser(user) {
      if (!(await claimEmail(user.email, user.id))) throw new AppError('conflict', `a user with email ${user.email} already exists`);
      const written = await conditional(() =>
        client.send(
          new PutItemCommand({
            TableName,
            Item: userToItem(user),
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
          }),
        ),
      ).catch(async (err) => {
        await releaseEmail(user.email, user.id).catch(() => undefined);
        throw err;
      });
      if (!written) {
        await releaseEmail(user.email, user.id);
        throw new AppError('conflict', `a user with id ${user.id} already exists`);
      }
    },

    getUser,

    async getUserByEmail(email) {
      const out = await send(() => client.send(new GetItemCommand({ TableName, Key: key(emailPk(email), 'EMAIL'), ConsistentRead: true })));
      const id = out.Item ? str(out.Item, 'userId') : undefined;
      if (!id) return undefined;
      const user = await getUser(id);
      // A stale claim (user deleted midway) must not resolve to another address.
      return user && user.email.toLowerCase() === email.toLowerCase() ? user : undefined;
    },

    async listUsers() {
      const items = await queryPages({
        IndexName: GSI.name,
        KeyConditionExpression: '#g = :users',
        ExpressionAttributeNames: { '#g': GSI.partitionKey },
        ExpressionAttributeValues: { ':users': S('USERS') },
      });
      return items.map(itemToUser);
    },

    async updateUser(id, patch, now, expected) {
      const current = await getUser(id);
      if (!current) throw new AppError('not_found', `user ${id} does not exist`);
      if (expected !== undefined && (current.updatedAt !== expected.updatedAt || (current.rev ?? 0) !== (expected.rev ?? 0))) {
        throw new AppError('conflict', `user ${id} was changed by another request; reload and try again`);
      }
      const emailChanged = patch.email !== undefined && patch.email.toLowerCase() !== current.email.toLowerCase();
      if (emailChanged && !(await claimEmail(patch.email!, id))) {
        throw new AppError('conflict', `a user with email ${patch.email} already exists`);
      }
      const next: UserRecord = {
        ...current,
        ...(patch.email !== undefined ? { email: patch.email } : {}),
        ...(patch.passwordHash !== undefined ? { passwordHash: patch.passwordHash } : {}),
        ...(patch.roles !== undefined ? { roles: [...patch.roles] } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        updatedAt: Math.max(now, current.updatedAt + 1),
        rev: (current.rev ?? 0) + 1,
      };
      // Optimistic concurrency on the one item: the write lands only if
      // nobody changed the user since we read it.
      const cond = versionCondition(current);
      const written = await conditional(() =>
        client.send(
          new PutItemCommand({
            TableName,
            Item: userToItem(next),
            ConditionExpression: `${cond.expression} AND passwordHash = :h AND #st = :st`,
            ExpressionAttributeNames: { ...cond.names, '#st': 'status' },
            ExpressionAttributeValues: { ...cond.values, ':h': S(current.passwordHash), ':st': S(current.status) },
          }),
        ),
      ).catch(async (err) => {
        if (emailChanged) await releaseEmail(patch.email!, id).catch(() => undefined);
        throw err;
      });
      if (!written) {
        if (emailChanged) await releaseEmail(patch.email!, id);
        throw new AppError('conflict', `user ${id} was changed by another request; try again`);
      }
      if (emailChanged) await releaseEmail(current.email, id);
      return next;
    },

    async deleteUser(id, expected) {
      const user = await getUser(id);
      if (expected !== undefined) {
        if (!user) throw new AppError('not_found', `user ${id} does not exist`);
        const cond = versionCondition(expected);
        const deleted = await conditional(() =>
          client.send(
            new DeleteItemCommand({
              TableName,
              Key: key(userPk(id), PROFILE),
              ConditionExpression: cond.expression,
              ExpressionAttributeNames: cond.names,
              ExpressionAttributeValues: cond.values,
            }),
          ),
        );
        if (!deleted) {
          if (!(await getUser(id))) throw new AppError('not_found', `user ${id} does not exist`);
          throw new AppError('conflict', `user ${id} was changed by another request; try again`);
        }
      } else {
        // The profile goes first: from then on every token of the user is refused.
        await deleteKey(userPk(id), PROFILE);
      }
      if (user) await releaseEmail(user.email, id);
      const items = await queryAll(userPk(id), '');
      for (const item of items) await deleteKey(userPk(id), str(item, SK)!);
    },

    async fenceUser(id, expected) {
      const cond = versionCondition(expected);
      return conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName,
            Key: key(userPk(id), PROFILE),
            UpdateExpression: 'SET #rev = :next',
            ConditionExpression: cond.expression,
            ExpressionAttributeNames: cond.names,
            ExpressionAttributeValues: { ...cond.values, ':next': N((expected.rev ?? 0) + 1) },
          }),
        ),
      );
    },

    async getAdminGuard() {
      const out = await send(() => client.send(new GetItemCommand({ TableName, Key: key(GUARD_PK, GUARD), ConsistentRead: true })));
      return { admins: out.Item?.admins?.SS ?? [], version: (out.Item && num(out.Item, 'version')) ?? 0 };
    },

    async countAdmin(userId, expectedVersion) {
      return conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName,
            Key: key(GUARD_PK, GUARD),
            UpdateExpression: 'ADD admins :ids SET #v = if_not_exists(#v, :zero)',
            ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(#v) OR #v = :zero' : '#v = :v',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':ids': { SS: [userId] }, ':zero': N(0), ...(expectedVersion === 0 ? {} : { ':v': N(expectedVersion) }) },
          }),
        ),
      );
    },

    async releaseAdmin(userId) {
      // A string set is never empty in DynamoDB, so "another id stays" is:
      // the set exists and either lacks this id or has more than one.
      return conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName,
            Key: key(GUARD_PK, GUARD),
            UpdateExpression: 'DELETE admins :ids SET #v = #v + :one',
            ConditionExpression: 'attribute_exists(admins) AND (NOT contains(admins, :id) OR size(admins) > :one)',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':ids': { SS: [userId] }, ':id': S(userId), ':one': N(1) },
          }),
        ),
      );
    },

    async getLoginFailures(email) {
      const out = await send(() => client.send(new GetItemCommand({ TableName, Key: key(loginPk(email), LOGIN), ConsistentRead: true })));
      if (!out.Item) return undefined;
      return { failures: num(out.Item, 'failures') ?? 0, lastFailureAt: num(out.Item, 'lastFailureAt') ?? 0, expiresAt: num(out.Item, 'expiresAt') ?? 0 };
    },

    async putLoginFailures(email, seen, next) {
      const values: Item = seen ? { ':f': N(seen.failures), ':at': N(seen.lastFailureAt) } : {};
      return conditional(() =>
        client.send(
          new PutItemCommand({
            TableName,
            Item: {
              ...key(loginPk(email), LOGIN),
              failures: N(next.failures),
              lastFailureAt: N(next.lastFailureAt),
              expiresAt: N(next.expiresAt),
              ...ttlOf(next.expiresAt),
            },
            ConditionExpression: seen ? 'failures = :f AND lastFailureAt = :at' : 'attribute_not_exists(#pk)',
            ...(seen ? { ExpressionAttributeValues: values } : { ExpressionAttributeNames: { '#pk': PK } }),
          }),
        ),
      );
    },

    async clearLoginFailures(email) {
      await deleteKey(loginPk(email), LOGIN);
    },

    async getTokenAndUser(userId, tokenId) {
      const out = await send(() =>
        client.send(
          new BatchGetItemCommand({
            RequestItems: { [TableName]: { Keys: [key(userPk(userId), PROFILE), key(userPk(userId), tokenSk(tokenId))], ConsistentRead: true } },
          }),
        ),
      );
      // Two small keys never exceed BatchGetItem's limits; an unprocessed key
      // (throttling) must not read as "revoked", so treat it as a store failure.
      if (Object.keys(out.UnprocessedKeys ?? {}).length > 0) throw new AppError('unavailable', 'the token store is busy; try again shortly');
      const result: { token?: TokenRecord; user?: UserRecord } = {};
      for (const item of out.Responses?.[TableName] ?? []) {
        if (str(item, SK) === PROFILE) result.user = itemToUser(item);
        else result.token = itemToToken(item);
      }
      return result;
    },

    async putToken(token) {
      const ok = await conditional(() =>
        client.send(
          new PutItemCommand({ TableName, Item: tokenToItem(token), ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } }),
        ),
      );
      if (!ok) throw new AppError('internal', 'token id collision');
    },

    async listTokens(userId) {
      return (await queryAll(userPk(userId), 'TOKEN#')).map(itemToToken);
    },

    async deleteToken(userId, tokenId) {
      const out = await send(() => client.send(new DeleteItemCommand({ TableName, Key: key(userPk(userId), tokenSk(tokenId)), ReturnValues: 'ALL_OLD' })));
      const old = out.Attributes ? itemToToken(out.Attributes) : undefined;
      if (old?.kind === 'pat' && old.name !== undefined) await store.releasePatClaims(userId, tokenId, old.name);
      return old !== undefined;
    },

    async touchToken(userId, tokenId, at, staleBefore) {
      return conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName,
            Key: key(userPk(userId), tokenSk(tokenId)),
            UpdateExpression: 'SET lastUsedAt = :at',
            ConditionExpression: 'attribute_exists(#pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :stale)',
            ExpressionAttributeNames: { '#pk': PK },
            ExpressionAttributeValues: { ':at': N(at), ':stale': N(staleBefore) },
          }),
        ),
      );
    },

    async claimPatName(userId, name, tokenId, expiresAt, now) {
      if (!(await claim(userId, nameSk(name), tokenId, expiresAt, now))) {
        throw new AppError('conflict', `Personal Access Token with a given name already exists: choose another name than "${name}"`);
      }
    },

    async claimPatSlot(userId, max, tokenId, expiresAt, now) {
      // Start at a random slot so concurrent creates spread over the slots.
      const start = Math.floor(Math.random() * max);
      for (let i = 0; i < max; i++) {
        if (await claim(userId, slotSk((start + i) % max), tokenId, expiresAt, now)) return;
      }
      throw new AppError('limit_reached', `maximum number of personal access tokens reached (${max}): revoke one before creating another`);
    },

    async releasePatClaims(userId, tokenId, name) {
      const release = (sk: string) =>
        conditional(() =>
          client.send(
            new DeleteItemCommand({
              TableName,
              Key: key(userPk(userId), sk),
              ConditionExpression: 'tokenId = :t',
              ExpressionAttributeValues: { ':t': S(tokenId) },
            }),
          ),
        );
      await release(nameSk(name));
      for (const slot of await queryAll(userPk(userId), 'PATSLOT#')) {
        if (str(slot, 'tokenId') === tokenId) await release(str(slot, SK)!);
      }
    },
  };
  return Object.freeze(store);
}
