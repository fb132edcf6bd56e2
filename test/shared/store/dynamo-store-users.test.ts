import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors.js';
import { createDynamoStore } from '../../../shared/store/dynamo-store.js';
import type { UserRecord } from '../../../shared/store/records.js';
import { freshTable } from '../../support/harness.js';

async function store() {
  const { tableName, client } = await freshTable();
  return createDynamoStore(client, tableName);
}

const user = (email: string, roles: string[] = []): UserRecord => ({
  id: randomUUID(),
  email,
  passwordHash: 'scrypt$x',
  roles,
  status: 'active',
  createdAt: 1,
  updatedAt: 1,
});

async function codeOf(p: Promise<unknown>) {
  const err = await p.then(() => undefined, (e: unknown) => e);
  return isAppError(err) ? err.code : String(err);
}

describe('DynamoDB store: users', () => {
  it('bumps rev on every update and refuses a write based on an older read', async () => {
    const s = await store();
    const u = user('a@example.com');
    await s.createUser(u);
    const read = (await s.getUser(u.id))!;
    expect(read.rev).toBeUndefined();
    const first = await s.updateUser(u.id, { roles: ['x'] }, 5, read);
    expect(first).toMatchObject({ rev: 1, updatedAt: 5, roles: ['x'] });
    expect(await codeOf(s.updateUser(u.id, { roles: ['y'] }, 6, read))).toBe('conflict');
    expect((await s.getUser(u.id))?.roles).toEqual(['x']);
  });

  it('fences a profile: a write that read it before the fence fails', async () => {
    const s = await store();
    const u = user('a@example.com');
    await s.createUser(u);
    const read = (await s.getUser(u.id))!;
    expect(await s.fenceUser(u.id, read)).toBe(true);
    expect(await s.fenceUser(u.id, read)).toBe(false);
    expect(await codeOf(s.updateUser(u.id, { status: 'disabled' }, 6, read))).toBe('conflict');
    expect(await codeOf(s.deleteUser(u.id, read))).toBe('conflict');
    expect((await s.getUser(u.id))?.status).toBe('active');
    await s.deleteUser(u.id, (await s.getUser(u.id))!);
    expect(await s.getUser(u.id)).toBeUndefined();
    expect(await codeOf(s.deleteUser(u.id, read))).toBe('not_found');
  });

  it('releases the new email claim when an email change loses a race', async () => {
    const s = await store();
    const u = user('a@example.com');
    await s.createUser(u);
    const read = (await s.getUser(u.id))!;
    await s.updateUser(u.id, { roles: ['x'] }, 5);
    expect(await codeOf(s.updateUser(u.id, { email: 'b@example.com' }, 6, read))).toBe('conflict');
    await s.createUser(user('B@example.com'));
  });

  it('keeps at least one id in the admin guard', async () => {
    const s = await store();
    expect(await s.getAdminGuard()).toEqual({ admins: [], version: 0 });
    expect(await s.releaseAdmin('a')).toBe(false);
    expect(await s.countAdmin('a', 0)).toBe(true);
    expect(await s.countAdmin('b', 0)).toBe(true);
    expect(await s.getAdminGuard()).toEqual({ admins: expect.arrayContaining(['a', 'b']), version: 0 });
    expect(await s.releaseAdmin('c')).toBe(true);
    expect((await s.getAdminGuard()).version).toBe(1);
    expect(await s.countAdmin('c', 0)).toBe(false);
    const racing = await Promise.all([s.releaseAdmin('a'), s.releaseAdmin('b')]);
    expect(racing.filter(Boolean)).toHaveLength(1);
    const guard = await s.getAdminGuard();
    expect(guard.admins).toHaveLength(1);
    expect(await s.releaseAdmin(guard.admins[0]!)).toBe(false);
    expect(await s.countAdmin('c', guard.version)).toBe(true);
  });

  it('writes failed logins per email, case-insensitively, with one winner per seen state', async () => {
    const s = await store();
    expect(await s.getLoginFailures('A@example.com')).toBeUndefined();
    const one = { failures: 1, lastFailureAt: 10, expiresAt: 1000 };
    const results = await Promise.all([1, 2, 3].map(() => s.putLoginFailures('A@example.com', undefined, one)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await s.getLoginFailures('a@EXAMPLE.com')).toEqual(one);
    const two = { failures: 2, lastFailureAt: 20, expiresAt: 1000 };
    expect(await s.putLoginFailures('a@example.com', two, two)).toBe(false);
    expect(await s.putLoginFailures('a@example.com', one, two)).toBe(true);
    await s.clearLoginFailures('a@example.com');
    expect(await s.getLoginFailures('a@example.com')).toBeUndefined();
  });
});
