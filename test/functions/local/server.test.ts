import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../../functions/local/server.js';
import { dynamoEndpoint } from '../../support/harness.js';

const BASE = '/api/management/v1/useradm';
const ADMIN = { PATGATE_ADMIN_EMAIL: 'root@example.com', PATGATE_ADMIN_PASSWORD: 'a long admin password' };
const basic = `Basic ${Buffer.from(`${ADMIN.PATGATE_ADMIN_EMAIL}:${ADMIN.PATGATE_ADMIN_PASSWORD}`).toString('base64')}`;

describe('local server', () => {
  const dirs: string[] = [];
  const servers: LocalServer[] = [];
  const start = async (env: Record<string, string>) => {
    const s = await startLocalServer({ env: { ...ADMIN, PORT: '0', ...env }, announce: false });
    servers.push(s);
    return s;
  };
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close().catch(() => undefined)));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('serves the built API on the embedded engine and keeps PATs across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pg-data-'));
    dirs.push(dataDir);
    const first = await start({ PATGATE_DATA_DIR: dataDir });
    const session = await (await fetch(`${first.url}${BASE}/auth/login`, { method: 'POST', headers: { Authorization: basic } })).text();
    const created = await fetch(`${first.url}${BASE}/settings/tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${session}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'survives', expires_in: 3600 }),
    });
    expect(created.status).toBe(200);
    const pat = await created.text();
    expect((await stat(join(dataDir, 'signing-key.pem'))).mode & 0o777).toBe(0o600);
    await first.close();

    const second = await start({ PATGATE_DATA_DIR: dataDir });
    const me = await fetch(`${second.url}${BASE}/users/me`, { headers: { Authorization: `Bearer ${pat}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: 'root@example.com', roles: ['admin'] });
    await second.close();
  });

  it('uses another DynamoDB when DYNAMODB_ENDPOINT and TABLE_NAME are set, with no embedded engine', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pg-data-'));
    dirs.push(dataDir);
    const s = await start({ PATGATE_DATA_DIR: dataDir, DYNAMODB_ENDPOINT: dynamoEndpoint(), TABLE_NAME: `t-${Date.now()}` });
    const res = await fetch(`${s.url}${BASE}/auth/login`, { method: 'POST', headers: { Authorization: basic } });
    expect(res.status).toBe(200);
    await expect(stat(join(dataDir, 'db'))).rejects.toThrow();
    await s.close();
  });

  it('answers 413 for a body over 64 KiB before the API sees it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pg-data-'));
    dirs.push(dataDir);
    const s = await start({ PATGATE_DATA_DIR: dataDir });
    const res = await fetch(`${s.url}${BASE}/settings/tokens`, { method: 'POST', body: 'x'.repeat(65 * 1024 + 1) });
    expect(res.status).toBe(413);
    await s.close();
  });

  it('refuses a second server on a data folder that a running server holds', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pg-data-'));
    dirs.push(dataDir);
    const first = await start({ PATGATE_DATA_DIR: dataDir });
    await expect(start({ PATGATE_DATA_DIR: dataDir })).rejects.toThrow(/is in use by another patgate process \(pid \d+/);
    await first.close();
    const again = await start({ PATGATE_DATA_DIR: dataDir });
    await again.close();
  });

  it('fails at start with a clear message for a bad configuration', async () => {
    await expect(startLocalServer({ env: { PORT: '0', PATGATE_DATA_DIR: join(tmpdir(), 'unused'), PATGATE_SESSION_TTL_SECONDS: 'soon' }, announce: false })).rejects.toThrow(
      /PATGATE_SESSION_TTL_SECONDS must be a whole number/,
    );
  });
});
