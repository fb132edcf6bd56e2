import { describe, expect, it } from 'vitest';
import { createHarness } from '../../support/harness.js';

describe('management API token flow', () => {
  it('logs in, creates, lists, uses, revokes a PAT and logs out', async () => {
    const h = await createHarness();
    const u = await h.user('Alice@Example.com');
    const session = await h.login('alice@example.COM', u.password);
    expect(session.split('.')).toHaveLength(3);

    const pat = await h.pat(session, 'ci', 3600);
    const list = await h.request('/settings/tokens', { headers: h.bearer(session) });
    expect(list.status).toBe(200);
    const items = (await list.json()) as Array<Record<string, string>>;
    expect(items).toHaveLength(1);
    expect(items[0]!.name).toBe('ci');

    const me = await h.request('/users/me', { headers: h.bearer(pat) });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email: string }).email).toBe('Alice@Example.com');

    expect((await h.request(`/settings/tokens/${items[0]!.id}`, { method: 'DELETE', headers: h.bearer(session) })).status).toBe(204);
    expect((await h.request('/users/me', { headers: h.bearer(pat) })).status).toBe(401);

    expect((await h.request('/auth/logout', { method: 'POST', headers: h.bearer(session) })).status).toBe(202);
    expect((await h.request('/users/me', { headers: h.bearer(session) })).status).toBe(401);
  });
});
