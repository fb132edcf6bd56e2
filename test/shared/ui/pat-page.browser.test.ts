/**
 * The PAT page in a real browser: Debian's Chromium driven by playwright-core,
 * against `npm start`'s local server serving the built API bundle (dist/,
 * built by the global setup), so the page, its CSP and the API are the ones
 * that deploy. The tests share one browser page and run in order, as one
 * user's visit would (the machine has two cores: one browser per file).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../../functions/local/server.js';
import { launchChromium, type TestBrowser } from '../../support/browser.js';

const ADMIN = 'admin@example.com';
const PASSWORD = 'correct horse battery staple';
const MAX_PATS = 3;
const SHOTS = join('test-results', 'pat-page');
const API = '/api/management/v1/useradm';

describe('the personal access tokens page in Chromium', () => {
  let server: LocalServer;
  let browser: TestBrowser;
  let page: Page;
  let dataDir: string;
  /** CSP and Trusted Types refusals, and uncaught errors, seen by the browser. */
  const problems: string[] = [];
  /** Every URL the page asked for. */
  const requested: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'patgate-ui-'));
    await mkdir(SHOTS, { recursive: true });
    server = await startLocalServer({
      env: {
        ...process.env,
        PORT: '0',
        PATGATE_DATA_DIR: dataDir,
        PATGATE_ADMIN_EMAIL: ADMIN,
        PATGATE_ADMIN_PASSWORD: PASSWORD,
        PATGATE_MAX_PATS_PER_USER: String(MAX_PATS),
      },
      announce: false,
    });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy|Trusted Type/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('request', (r) => requested.push(r.url()));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** Calls the API from inside the page, as a script using the token would. */
  const fetchWith = (token: string, path: string) =>
    page.evaluate(
      async ([url, bearer]) => {
        const res = await fetch(url!, { headers: { Authorization: `Bearer ${bearer}` } });
        return { status: res.status, body: await res.text() };
      },
      [`${server.url}${path}`, token] as const,
    );

  async function signIn(password = PASSWORD): Promise<void> {
    await page.getByLabel('Email').fill(ADMIN);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  async function createToken(name: string, expiry = '30 days'): Promise<void> {
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByRole('radio', { name: expiry }).check();
    await page.getByRole('button', { name: 'Create token' }).click();
  }

  const row = (name: string) => page.locator('#tokens-body tr', { has: page.getByRole('rowheader', { name, exact: true }) });

  it('refuses a wrong password with "wrong email or password"', async () => {
    await page.goto(`${server.url}/`);
    await signIn('not the password at all');
    await expect.poll(() => page.locator('#signin-error').textContent()).toBe('Wrong email or password.');
    expect(await page.locator('#profile-view').isVisible()).toBe(false);
  });

  it('signs in, creates a token shown once, uses it, lists it, and revokes it so it is refused', async () => {
    await signIn();
    await page.locator('#profile-view').waitFor();
    expect(await page.locator('#me-email').textContent()).toBe(ADMIN);
    expect(await page.locator('#me-roles .role').allTextContents()).toEqual(['admin']);
    // The empty state explains PATs with a curl example for this server.
    expect(await page.locator('#tokens-empty').isVisible()).toBe(true);
    expect(await page.locator('#curl-example').textContent()).toContain(`${server.url}${API}/users/me`);
    // The session is in sessionStorage only.
    const storage = await page.evaluate(() => ({ session: sessionStorage.length, local: localStorage.length, cookie: document.cookie }));
    expect(storage).toEqual({ session: 1, local: 0, cookie: '' });

    // Each expiry choice shows its date; 30 days is the default.
    expect(await page.getByRole('radio', { name: '30 days' }).isChecked()).toBe(true);
    expect(await page.locator('.choice .when').allTextContents()).toHaveLength(4);
    expect(await page.locator('.choice .when').first().textContent()).toMatch(/^until \w{3}, \w{3} \d{1,2}, \d{4}$/);

    await createToken('ci deploy', '7 days');
    const box = page.locator('#new-token');
    await box.waitFor();
    expect(await box.textContent()).toContain('will not be shown again');
    const token = await page.getByLabel('The new token').inputValue();
    expect(token.split('.')).toHaveLength(3);
    await box.screenshot({ path: join(SHOTS, 'one-time-box.png') });
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await box.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => page.locator('#copy-status').textContent()).toBe('Copied to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

    const me = await fetchWith(token, `${API}/users/me`);
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({ email: ADMIN, roles: ['admin'] });
    const demo = await fetchWith(token, '/demo/whoami');
    // /demo/* exists once the authorizer's local gateway is in (issue 3); until then it is a 404.
    if (demo.status !== 404) expect(demo.status).toBe(200);

    await expect.poll(() => row('ci deploy').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'created.png'), fullPage: true });
    const expires = row('ci deploy').locator('td[data-label="Expires"] time');
    expect(await expires.textContent()).toBe('in 7 days');
    expect(await expires.getAttribute('title')).toMatch(/\d{4}/);
    expect(await row('ci deploy').locator('td[data-label="Last used"]').textContent()).toBe('never');

    // A reload keeps the session (same tab) and shows the use just made.
    await page.reload();
    await page.locator('#profile-view').waitFor();
    await expect.poll(() => row('ci deploy').locator('td[data-label="Last used"]').textContent()).toBe('just now');
    expect(await page.locator('#new-token').isVisible()).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'token-list.png'), fullPage: true });

    await row('ci deploy').getByRole('button', { name: 'Revoke ci deploy' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByRole('heading').textContent()).toBe('Revoke “ci deploy”?');
    await dialog.getByRole('button', { name: 'Revoke token' }).click();
    await expect.poll(() => row('ci deploy').count()).toBe(0);
    expect(await page.locator('#notice').textContent()).toContain('Clients using it will now be refused.');

    expect((await fetchWith(token, `${API}/users/me`)).status).toBe(401);
  });

  it('keeps a token when the revoke confirmation is cancelled', async () => {
    await createToken('keep me');
    await page.getByRole('button', { name: 'Done, I have copied it' }).click();
    expect(await page.getByLabel('The new token', { exact: true }).inputValue()).toBe('');
    await row('keep me').getByRole('button', { name: 'Revoke keep me' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await row('keep me').count()).toBe(1);
  });

  it('shows the API’s duplicate-name message next to the name field', async () => {
    await createToken('keep me');
    const error = page.locator('#token-name-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('already exists');
    expect(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#new-token').isVisible()).toBe(false);
  });

  it('shows a token name as text, never as markup', async () => {
    const name = '<img src=x onerror="window.__pwned=1">';
    await createToken(name);
    await expect.poll(() => row(name).count()).toBe(1);
    expect(await page.locator('#tokens-body img').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('says when the token limit is reached', async () => {
    await createToken('third');
    await expect.poll(() => page.locator('#tokens-body tr').count()).toBe(MAX_PATS);
    await createToken('one too many');
    const error = page.locator('#create-error');
    await error.waitFor();
    expect(await error.textContent()).toContain(`maximum number of personal access tokens reached (${MAX_PATS})`);
    expect(await page.locator('#tokens-body tr').count()).toBe(MAX_PATS);
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.locator('#profile-view').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SHOTS, 'phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('returns to sign-in when the session ends elsewhere', async () => {
    const session = (await page.evaluate(() => sessionStorage.getItem('patgate.session')))!;
    expect((await page.evaluate(
      async ([url, bearer]) => (await fetch(url!, { method: 'POST', headers: { Authorization: `Bearer ${bearer}` } })).status,
      [`${server.url}${API}/auth/logout`, session] as const,
    ))).toBe(202);
    await createToken('after the session ended');
    await page.locator('#signin-view').waitFor();
    expect(await page.locator('#signin-note').textContent()).toBe('Your session has ended. Sign in again.');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await signIn();
    await page.locator('#profile-view').waitFor();
    expect(await row('after the session ended').count()).toBe(0);
  });

  it('signs out through the API, so the session token is refused afterwards', async () => {
    const session = (await page.evaluate(() => sessionStorage.getItem('patgate.session')))!;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#signin-view').waitFor();
    expect(await page.locator('#signin-note').textContent()).toBe('You have signed out.');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect((await fetchWith(session, `${API}/users/me`)).status).toBe(401);
  });

  it('can be used from the keyboard alone', async () => {
    await page.reload();
    // The email field has focus on arrival.
    await page.keyboard.type(ADMIN);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('#profile-view').waitFor();
    await row('third').getByRole('button', { name: 'Revoke third' }).focus();
    await page.keyboard.press('Enter');
    // The dialog opens on Cancel; Tab reaches "Revoke token".
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => row('third').count()).toBe(0);
  });

  // Last: it leaves the admin throttled.
  it('shows the wait when sign-in is throttled (429 with Retry-After)', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#signin-view').waitFor();
    const error = page.locator('#signin-error');
    // 5 failures are free, then the lock doubles from 1 s: keep guessing until the API says to wait.
    let status = 0;
    for (let attempt = 0; attempt < 10 && status !== 429; attempt++) {
      const answer = page.waitForResponse((r) => r.url().endsWith(`${API}/auth/login`));
      await signIn('a wrong guess, again');
      status = (await answer).status();
      expect([401, 429]).toContain(status);
    }
    expect(status).toBe(429);
    expect(await page.getByRole('button', { name: 'Sign in' }).isDisabled()).toBe(true);
    await expect.poll(() => error.textContent()).toMatch(/^Too many sign-in attempts\. Try again in \d+ seconds?\.$/);
  });

  it('loaded nothing from elsewhere and broke no CSP rule', () => {
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((u) => !u.startsWith(`${server.url}/`))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
