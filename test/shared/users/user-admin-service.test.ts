import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors.js';
import type { Store } from '../../../shared/store/store.js';
import { createUserAdminService, isActiveAdmin } from '../../../shared/users/user-admin-service.js';
import { createHarness, testPasswords, type Harness } from '../../support/harness.js';

const PASSWORD = 'correct horse battery';

async function setup(store?: (s: Store) => Store) {
  const h = await createHarness();
  const admin = createUserAdminService({ store: store ? store(h.store) : h.store, passwords: testPasswords, clock: h.clock });
  const mk = (email: string, roles = ['admin']) => admin.create({ email, password: PASSWORD, roles });
  return { h, admin, mk };
}

async function activeAdmins(h: Harness) {
  return (await h.store.listUsers()).filter(isActiveAdmin).map((u) => u.email).sort();
}

async function codeOf(p: Promise<unknown>) {
  const err = await p.then(() => undefined, (e: unknown) => e);
  return isAppError(err) ? err.code : err === undefined ? 'ok' : String(err);
}

/** A promise with its resolver, to hold a call at a chosen point without sleeping. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe('user admin service', () => {
  it('refuses to disable, demote or delete the last active admin, with a message that says what to do', async () => {
    const { h, admin, mk } = await setup();
    const root = await mk('root@example.com');
    for (const attempt of [() => admin.update(root.id, { status: 'disabled' }), () => admin.update(root.id, { roles: ['ops'] }), () => admin.delete(root.id)]) {
      const err = await attempt().then(() => undefined, (e: unknown) => e);
      expect(isAppError(err, 'conflict')).toBe(true);
      expect((err as Error).message).toBe(`user ${root.id} is the last active admin: make another user an active admin first, then disable, demote or delete this one`);
    }
    expect(await activeAdmins(h)).toEqual(['root@example.com']);
    // Changes that keep them an active admin are fine.
    await admin.update(root.id, { roles: ['admin', 'ops'], email: 'Root@Example.com' });
  });

  it('lets an admin go once another is active, and then guards the other', async () => {
    const { h, admin, mk } = await setup();
    const a = await mk('a@example.com');
    const b = await mk('b@example.com', []);
    expect(await codeOf(admin.update(a.id, { status: 'disabled' }))).toBe('conflict');
    await admin.update(b.id, { roles: ['admin'] });
    await admin.update(a.id, { status: 'disabled' });
    expect(await codeOf(admin.delete(b.id))).toBe('conflict');
    await admin.update(a.id, { status: 'active' });
    await admin.delete(b.id);
    expect(await activeAdmins(h)).toEqual(['a@example.com']);
  });

  it('keeps an active admin when two admins disable each other at the same moment', async () => {
    const { h, admin, mk } = await setup();
    const a = await mk('a@example.com');
    const b = await mk('b@example.com');
    for (let round = 0; round < 5; round++) {
      const outcomes = await Promise.all([codeOf(admin.update(a.id, { status: 'disabled' })), codeOf(admin.update(b.id, { status: 'disabled' }))]);
      expect(outcomes.every((o) => o === 'ok' || o === 'conflict')).toBe(true);
      expect(outcomes).toContain('conflict');
      expect(await activeAdmins(h)).toHaveLength(1);
      for (const u of [a, b]) await admin.update(u.id, { status: 'active' });
    }
  });

  it('keeps an active admin when several admins demote and delete each other at once', async () => {
    const { h, admin, mk } = await setup();
    const ids = (await Promise.all(['a', 'b', 'c', 'd'].map((n) => mk(`${n}@example.com`)))).map((u) => u.id);
    const outcomes = await Promise.all(
      ids.map((id, i) => codeOf(i % 2 === 0 ? admin.update(id, { roles: [] }) : i === 1 ? admin.delete(id) : admin.update(id, { status: 'disabled' }))),
    );
    expect(outcomes.every((o) => o === 'ok' || o === 'conflict')).toBe(true);
    expect((await activeAdmins(h)).length).toBeGreaterThanOrEqual(1);
  });

  it('survives the worst interleaving: a release that counted, paused before its profile write', async () => {
    // A disables B: B's release passes (A stays counted), then A's request pauses.
    // B disables A meanwhile: A is the only one counted, so the guard is
    // repaired by counting B, whose profile still says active admin; that
    // count fences B's profile, so A's paused write of B must fail.
    const paused = gate();
    const reached = gate();
    let holdNextUpdate = false;
    const { h, admin, mk } = await setup((s) => ({
      ...s,
      async updateUser(...args) {
        if (holdNextUpdate) {
          holdNextUpdate = false;
          reached.open();
          await paused.opened;
        }
        return s.updateUser(...args);
      },
    }));
    const a = await mk('a@example.com');
    const b = await mk('b@example.com');
    holdNextUpdate = true;
    const aDisablesB = codeOf(admin.update(b.id, { status: 'disabled' }));
    await reached.opened;
    expect(await codeOf(admin.update(a.id, { status: 'disabled' }))).toBe('ok');
    paused.open();
    expect(await aDisablesB).toBe('conflict');
    expect(await activeAdmins(h)).toEqual(['b@example.com']);
    expect(await codeOf(admin.update(b.id, { status: 'disabled' }))).toBe('conflict');
  });

  it('builds the guard from the user list for admins it never counted (an older table, a crash)', async () => {
    const { h, admin } = await setup();
    // Created around the admin service, so not counted.
    const a = await h.user('a@example.com', ['admin']);
    const b = await h.user('b@example.com', ['admin']);
    await h.user('c@example.com', ['admin']);
    await h.store.updateUser((await h.store.getUserByEmail('c@example.com'))!.id, { status: 'disabled' }, h.clock.now());
    expect(await h.store.getAdminGuard()).toEqual({ admins: [], version: 0 });
    await admin.update(a.id, { status: 'disabled' });
    expect(await codeOf(admin.update(b.id, { roles: ['ops'] }))).toBe('conflict');
    expect(await activeAdmins(h)).toEqual(['b@example.com']);
  });

  it('refuses a duplicate email, case-insensitively, even when creates race', async () => {
    const { h, admin } = await setup();
    const outcomes = await Promise.all(['Dup@example.com', 'dup@EXAMPLE.com', 'DUP@example.com'].map((email) => codeOf(admin.create({ email, password: PASSWORD }))));
    expect(outcomes.sort()).toEqual(['conflict', 'conflict', 'ok']);
    expect(await h.store.listUsers()).toHaveLength(1);
    const other = await admin.create({ email: 'other@example.com', password: PASSWORD });
    expect(await codeOf(admin.update(other.id, { email: 'DUP@example.com' }))).toBe('conflict');
  });

  it('checks every field and names it', async () => {
    const { admin, mk } = await setup();
    const u = await mk('u@example.com', []);
    const cases: Array<[() => Promise<unknown>, RegExp]> = [
      [() => admin.create({ email: 'nope', password: PASSWORD }), /^email: must be an email address/],
      [() => admin.create({ email: 'x@example.com', password: 'short' }), /^password: must be at least 12 characters long$/],
      [() => admin.create({ email: 'x@example.com', password: PASSWORD, roles: ['ok', 'bad role'] }), /^roles: role "bad role" is not valid/],
      [() => admin.create({ email: 'x@example.com', password: PASSWORD, roles: ['r'.repeat(65)] }), /^roles: role "r{65}" is not valid/],
      [() => admin.create({ email: 'x@example.com', password: PASSWORD, roles: Array.from({ length: 101 }, (_, i) => `r${i}`) }), /^roles: at most 100 roles$/],
      [() => admin.update(u.id, { status: 'gone' }), /^status: must be "active" or "disabled"$/],
      [() => admin.update(u.id, {}), /^nothing to change/],
      [() => admin.updateSelf(u.id, { password: 'new password 123' }, 't'), /^current_password: is required/],
      [() => admin.updateSelf(u.id, { currentPassword: PASSWORD }, 't'), /^nothing to change: send email or password/],
      [() => admin.updateSelf(u.id, { password: 'short', currentPassword: PASSWORD }, 't'), /^password: must be at least 12/],
    ];
    for (const [attempt, message] of cases) {
      const err = await attempt().then(() => undefined, (e: unknown) => e);
      expect(isAppError(err, 'bad_request'), String(err)).toBe(true);
      expect((err as Error).message).toMatch(message);
    }
    expect(await codeOf(admin.update('no-such-id', { status: 'active' }))).toBe('not_found');
    expect(await codeOf(admin.get('no-such-id'))).toBe('not_found');
    expect(await codeOf(admin.delete('no-such-id'))).toBe('not_found');
  });

  it('refuses a wrong current password with 403 and counts it against the login throttle', async () => {
    const { h, admin, mk } = await setup();
    const u = await mk('self@example.com', []);
    for (let i = 0; i < 5; i++) {
      const err = await admin.updateSelf(u.id, { password: 'a new password!', currentPassword: 'not my password' }, 't').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'forbidden', message: 'current_password: does not match your current password' });
    }
    expect(await codeOf(admin.updateSelf(u.id, { password: 'a new password!', currentPassword: PASSWORD }, 't'))).toBe('too_many_requests');
    h.clock.advance(1000);
    await admin.updateSelf(u.id, { password: 'a new password!', currentPassword: PASSWORD }, 't');
    expect(await testPasswords.verify('a new password!', (await h.store.getUser(u.id))!.passwordHash)).toBe(true);
  });
});
