import { describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../../shared/users/password-hasher.js';

describe('password hasher', () => {
  it('uses N=2^15, r=8, p=1 by default and stores the parameters with each hash', async () => {
    const hasher = createPasswordHasher();
    const hash = await hasher.hash('correct horse battery');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await hasher.verify('correct horse battery', hash)).toBe(true);
    expect(hasher.needsRehash(hash)).toBe(false);
    expect(hasher.needsRehash('scrypt$16384$8$1$c2FsdA$aGFzaA')).toBe(true);
    expect(await hasher.verify('x', 'not a hash')).toBe(false);
  });
});
