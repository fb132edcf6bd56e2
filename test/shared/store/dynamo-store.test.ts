import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors.js';
import { CLAIM_GRACE_MS, createDynamoClient, createDynamoStore } from '../../../shared/store/dynamo-store.js';
import type { UserRecord } from '../../../shared/store/records.js';
import { freshTable } from '../../support/harness.js';

async function store() {
  const { tableName, client } = await freshTable();
  return createDynamoStore(client, tableName);
}

const user = (email: string): UserRecord => ({ id: randomUUID(), email, passwordHash: 'scrypt$x', roles: ['a'], status: 'active', createdAt: 1, updatedAt: 1 });

async function codeOf(p: Promise<unknown>) {
  const err = await p.then(() => undefined, (e: unknown) => e);
  return isAppError(err) ? err.code : String(err);
}

describe('DynamoDB store', () => {
  it('creates a user once per email, case-insensitively, even when creates race', async () => {
    const s = await store();
    const results = await Promise.allSettled(['Race@example.com', 'race@EXAMPLE.com', 'RACE@example.com', 'race@example.com'].map((e) => s.createUser(user(e))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(isAppError(r.reason, 'conflict')).toBe(true);
    expect(await s.listUsers()).toHaveLength(1);
    expect((await s.getUserByEmail('rAcE@example.com'))?.email.toLowerCase()).toBe('race@example.com');
  });

  it('reads a token and its user in one BatchGetItem, and nothing for unknown ids', async () => {
    const s = await store();
    const u = user('a@example.com');
    await s.createUser(u);
    await s.putToken({ id: 't1', userId: u.id, kind: 'session', createdAt: 1, expiresAt: 10_000 });
    const both = await s.getTokenAndUser(u.id, 't1');
    expect(both.user?.id).toBe(u.id);
    expect(both.token).toEqual({ id: 't1', userId: u.id, kind: 'session', createdAt: 1, expiresAt: 10_000 });
    expect(await s.getTokenAndUser(u.id, 'nope')).toEqual({ user: expect.anything() });
    expect(await s.getTokenAndUser('ghost', 't1')).toEqual({});
  });

  it('touches last used only when it is stale, with a conditional write', async () => {
    const s = await store();
    await s.putToken({ id: 't', userId: 'u', kind: 'pat', name: 'n', createdAt: 1 });
    expect(await s.touchToken('u', 't', 1000, 500)).toBe(true);
    expect(await s.touchToken('u', 't', 1200, 700)).toBe(false);
    expect(await s.touchToken('u', 't', 2000, 1500)).toBe(true);
    expect(await s.touchToken('u', 'gone', 2000, 1500)).toBe(false);
    expect((await s.listTokens('u'))[0]?.lastUsedAt).toBe(2000);
  });

  it('takes over a name claim whose PAT expired', async () => {
    const s = await store();
    await s.putToken({ id: 'old', userId: 'u', kind: 'pat', name: 'n', createdAt: 0, expiresAt: 100 });
    await s.claimPatName('u', 'n', 'old', 100, 50);
    expect(await codeOf(s.claimPatName('u', 'n', 'new', 200, 99))).toBe('conflict');
    await s.claimPatName('u', 'n', 'new', 200, 100);
  });

  it('takes over a claim whose token record vanished, but only after the grace for in-flight creates', async () => {
    const s = await store();
    await s.claimPatSlot('u', 1, 'ghost', undefined, 0);
    // Within the grace the holder may still be writing its record.
    expect(await codeOf(s.claimPatSlot('u', 1, 'early', undefined, CLAIM_GRACE_MS - 1))).toBe('limit_reached');
    await s.claimPatSlot('u', 1, 'next', undefined, CLAIM_GRACE_MS + 1);
    await s.putToken({ id: 'next', userId: 'u', kind: 'pat', name: 'x', createdAt: 0 });
    expect(await codeOf(s.claimPatSlot('u', 1, 'third', undefined, 10 * CLAIM_GRACE_MS))).toBe('limit_reached');
  });

  it('deletes a user with every item in their partition and frees the email', async () => {
    const s = await store();
    const u = user('gone@example.com');
    await s.createUser(u);
    await s.putToken({ id: 't', userId: u.id, kind: 'pat', name: 'n', createdAt: 1 });
    await s.claimPatName(u.id, 'n', 't', undefined, 1);
    await s.deleteUser(u.id);
    expect(await s.getUser(u.id)).toBeUndefined();
    expect(await s.listTokens(u.id)).toEqual([]);
    await s.createUser(user('gone@example.com'));
  });

  it('maps an unreachable endpoint to unavailable, never to "not found"', async () => {
    const s = createDynamoStore(createDynamoClient({ tableName: 'x', endpoint: 'http://127.0.0.1:9' }), 'x');
    expect(await codeOf(s.getTokenAndUser('u', 't'))).toBe('unavailable');
    expect(await codeOf(s.getUser('u'))).toBe('unavailable');
  });
});
