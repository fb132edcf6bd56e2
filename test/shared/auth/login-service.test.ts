import { describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../../shared/users/password-hasher.js';
import { createHarness } from '../../support/harness.js';

describe('login service', () => {
  it('upgrades a hash made with older scrypt parameters on the next successful login', async () => {
    const h = await createHarness();
    const u = await h.user();
    const older = createPasswordHasher({ N: 512, r: 8, p: 1 });
    await h.store.updateUser(u.id, { passwordHash: await older.hash(u.password) }, h.clock.now());
    expect((await h.store.getUser(u.id))!.passwordHash).toMatch(/^scrypt\$512\$8\$1\$/);

    await h.login(u.email, u.password);
    const upgraded = (await h.store.getUser(u.id))!.passwordHash;
    expect(upgraded).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(h.runtime.passwords.needsRehash(upgraded)).toBe(false);
    // The upgraded hash still proves the same password, and only that one.
    await h.login(u.email, u.password);
    expect(await h.runtime.passwords.verify('another password', upgraded)).toBe(false);
  });

  it('leaves the hash alone when the parameters are current, and on a failed login', async () => {
    const h = await createHarness();
    const u = await h.user();
    const before = (await h.store.getUser(u.id))!;
    await h.login(u.email, u.password);
    expect((await h.store.getUser(u.id))!.passwordHash).toBe(before.passwordHash);

    const older = createPasswordHasher({ N: 512, r: 8, p: 1 });
    const oldHash = await older.hash(u.password);
    await h.store.updateUser(u.id, { passwordHash: oldHash }, h.clock.now());
    await expect(h.runtime.login!.login(u.email, 'wrong password!')).rejects.toMatchObject({ code: 'unauthorized' });
    expect((await h.store.getUser(u.id))!.passwordHash).toBe(oldHash);
  });

  it('answers an address that cannot be an account like an unknown one, without writing anything', async () => {
    const h = await createHarness();
    for (const email of ['', 'no-at-sign', `${'x'.repeat(300)}@example.com`]) {
      await expect(h.runtime.login!.login(email, 'whatever password')).rejects.toMatchObject({ code: 'unauthorized', message: 'unauthorized: wrong email or password' });
    }
    expect(await h.store.getLoginFailures('no-at-sign')).toBeUndefined();
  });
});
