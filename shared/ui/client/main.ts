/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The PAT page's browser script: sign-in, the token list, create and revoke.
 * Plain DOM; every value from the API is written as text (textContent), never
 * as HTML. The session token lives in sessionStorage only: gone when the tab
 * closes, never in localStorage or a cookie.
 */
import { ApiError, createApiClient, fieldOf, type PatItem } from './api-client.js';
import { apiBase } from './app-paths.js';
import { DEFAULT_EXPIRY_DAYS, daysToSeconds, exactTime, expiryAt, relativeTime, shortDate } from './time-format.js';

const SESSION_KEY = 'patgate.session';

function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

const session = {
  get: (): string | undefined => sessionStorage.getItem(SESSION_KEY) ?? undefined,
  set: (token: string) => sessionStorage.setItem(SESSION_KEY, token),
  clear: () => sessionStorage.removeItem(SESSION_KEY),
};

const api = createApiClient(apiBase(location.origin, location.pathname), session.get);

const el = {
  account: byId('account'),
  accountEmail: byId('account-email'),
  signout: byId<HTMLButtonElement>('signout'),
  signinView: byId('signin-view'),
  signinNote: byId('signin-note'),
  signinForm: byId<HTMLFormElement>('signin-form'),
  signinEmail: byId<HTMLInputElement>('signin-email'),
  signinPassword: byId<HTMLInputElement>('signin-password'),
  signinError: byId('signin-error'),
  signinSubmit: byId<HTMLButtonElement>('signin-submit'),
  profileView: byId('profile-view'),
  meEmail: byId('me-email'),
  meRoles: byId('me-roles'),
  patsRoles: byId('pats-roles'),
  notice: byId('notice'),
  newToken: byId('new-token'),
  newTokenName: byId('new-token-name'),
  newTokenValue: byId<HTMLTextAreaElement>('new-token-value'),
  copyToken: byId<HTMLButtonElement>('copy-token'),
  copyStatus: byId('copy-status'),
  dismissToken: byId<HTMLButtonElement>('dismiss-token'),
  tokensEmpty: byId('tokens-empty'),
  curlExample: byId('curl-example'),
  tokensTable: byId('tokens-table'),
  tokensBody: byId('tokens-body'),
  createForm: byId<HTMLFormElement>('create-form'),
  tokenName: byId<HTMLInputElement>('token-name'),
  tokenNameError: byId('token-name-error'),
  expiryError: byId('expiry-error'),
  createError: byId('create-error'),
  createSubmit: byId<HTMLButtonElement>('create-submit'),
  revokeDialog: byId<HTMLDialogElement>('revoke-dialog'),
  revokeName: byId('revoke-name'),
};

/** Shows `message` in an error slot (or hides the slot), and marks the input it is about. */
function setError(slot: HTMLElement, message: string | undefined, input?: HTMLInputElement): void {
  slot.textContent = message ?? '';
  slot.hidden = !message;
  if (input) {
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
}

function showNotice(message: string | undefined, kind: 'ok' | 'error' = 'ok'): void {
  el.notice.textContent = message ?? '';
  el.notice.hidden = !message;
  el.notice.classList.toggle('is-error', kind === 'error');
}

function timeElement(iso: string, now: number): HTMLTimeElement {
  const t = document.createElement('time');
  const at = Date.parse(iso);
  t.dateTime = iso;
  t.textContent = relativeTime(at, now);
  t.title = exactTime(at);
  return t;
}

// ---- sign-in ---------------------------------------------------------------

let retryTimer: number | undefined;

/**
 * Keeps the sign-in button off while a 429's wait runs. The message is set
 * once (it is an alert: a ticking countdown would be read out every second).
 */
function waitBeforeRetry(seconds: number): void {
  window.clearTimeout(retryTimer);
  el.signinSubmit.disabled = true;
  setError(el.signinError, `Too many sign-in attempts. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`);
  retryTimer = window.setTimeout(() => {
    el.signinSubmit.disabled = false;
    setError(el.signinError, 'You can try to sign in again now.');
  }, seconds * 1000);
}

function showSignIn(note?: string): void {
  el.profileView.hidden = true;
  el.account.hidden = true;
  el.signinView.hidden = false;
  el.signinNote.textContent = note ?? '';
  el.signinNote.hidden = !note;
  el.signinPassword.value = '';
  (el.signinEmail.value ? el.signinPassword : el.signinEmail).focus();
}

el.signinForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  setError(el.signinError, undefined);
  el.signinSubmit.disabled = true;
  try {
    session.set(await api.login(el.signinEmail.value.trim(), el.signinPassword.value));
    el.signinPassword.value = '';
    el.signinSubmit.disabled = false;
    await showProfile();
  } catch (err) {
    el.signinSubmit.disabled = false;
    if (err instanceof ApiError && err.status === 429) return waitBeforeRetry(err.retryAfterSeconds ?? 30);
    setError(el.signinError, err instanceof ApiError && err.status === 401 ? 'Wrong email or password.' : messageOf(err));
    el.signinPassword.select();
  }
});

el.signout.addEventListener('click', async () => {
  el.signout.disabled = true;
  // End the session on the server first; forget it here whatever the answer.
  await api.logout().catch(() => undefined);
  session.clear();
  el.signout.disabled = false;
  resetProfile();
  showSignIn('You have signed out.');
});

// ---- profile and tokens ----------------------------------------------------

function messageOf(err: unknown): string {
  return err instanceof ApiError ? err.message : 'something went wrong; reload the page and try again';
}

/** A 401 on a signed-in call means the session ended (expired, revoked, signed out elsewhere). */
function handleSessionError(err: unknown): boolean {
  if (err instanceof ApiError && err.status === 401) {
    session.clear();
    resetProfile();
    showSignIn('Your session has ended. Sign in again.');
    return true;
  }
  return false;
}

function resetProfile(): void {
  hideNewToken();
  showNotice(undefined);
  el.tokensBody.replaceChildren();
  el.meEmail.textContent = '';
  el.meRoles.replaceChildren();
}

function renderRoles(roles: readonly string[]): void {
  if (roles.length === 0) {
    el.meRoles.textContent = 'none';
    el.patsRoles.textContent = 'none';
    return;
  }
  el.meRoles.replaceChildren(
    ...roles.map((r) => {
      const badge = document.createElement('span');
      badge.className = 'role';
      badge.textContent = r;
      return badge;
    }),
  );
  el.patsRoles.textContent = roles.join(', ');
}

function renderExpiryChoices(): void {
  const now = Date.now();
  for (const when of el.createForm.querySelectorAll<HTMLElement>('.when')) {
    const at = expiryAt(now, Number(when.dataset.days));
    when.textContent = `until ${shortDate(at)}`;
    when.title = exactTime(at);
  }
}

function renderTokens(items: readonly PatItem[]): void {
  const now = Date.now();
  el.tokensEmpty.hidden = items.length > 0;
  el.tokensTable.hidden = items.length === 0;
  el.tokensBody.replaceChildren(
    ...items.map((item) => {
      const row = document.createElement('tr');
      row.dataset.tokenId = item.id;
      const name = document.createElement('th');
      name.scope = 'row';
      name.textContent = item.name;
      const cell = (label: string, content: Node | string) => {
        const td = document.createElement('td');
        td.dataset.label = label;
        td.append(content);
        return td;
      };
      const revoke = document.createElement('button');
      revoke.type = 'button';
      revoke.className = 'revoke';
      revoke.textContent = 'Revoke';
      revoke.setAttribute('aria-label', `Revoke ${item.name}`);
      revoke.addEventListener('click', () => confirmRevoke(item, revoke));
      const actions = document.createElement('td');
      actions.className = 'actions';
      actions.append(revoke);
      row.append(
        name,
        cell('Created', timeElement(item.created_ts, now)),
        cell('Expires', item.expiration_date ? timeElement(item.expiration_date, now) : 'never'),
        cell('Last used', item.last_used ? timeElement(item.last_used, now) : 'never'),
        actions,
      );
      return row;
    }),
  );
}

async function refreshTokens(): Promise<void> {
  renderTokens(await api.listTokens());
}

async function showProfile(): Promise<void> {
  try {
    const me = await api.me();
    el.accountEmail.textContent = me.email;
    el.meEmail.textContent = me.email;
    renderRoles(me.roles);
    renderExpiryChoices();
    await refreshTokens();
    el.signinView.hidden = true;
    el.account.hidden = false;
    el.profileView.hidden = false;
  } catch (err) {
    if (!handleSessionError(err)) showSignIn(messageOf(err));
  }
}

// ---- create ----------------------------------------------------------------

function hideNewToken(): void {
  el.newToken.hidden = true;
  // Take the token out of the page once the user is done with it.
  el.newTokenValue.value = '';
  el.copyStatus.textContent = '';
}

el.tokenName.addEventListener('input', () => setError(el.tokenNameError, undefined, el.tokenName));
el.createForm.addEventListener('change', () => setError(el.expiryError, undefined));
el.createForm.addEventListener('focusin', renderExpiryChoices);

el.createForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  for (const slot of [el.tokenNameError, el.expiryError, el.createError]) setError(slot, undefined);
  el.tokenName.removeAttribute('aria-invalid');
  const name = el.tokenName.value;
  const days = Number(new FormData(el.createForm).get('expiry') ?? DEFAULT_EXPIRY_DAYS);
  el.createSubmit.disabled = true;
  try {
    const token = await api.createToken(name, daysToSeconds(days));
    showNotice(undefined);
    el.newTokenName.textContent = name;
    el.newTokenValue.value = token;
    el.copyStatus.textContent = '';
    el.newToken.hidden = false;
    // Show the whole token without scrolling (CSSOM styles are not inline styles to the CSP).
    el.newTokenValue.style.height = 'auto';
    el.newTokenValue.style.height = `${el.newTokenValue.scrollHeight + 2}px`;
    el.createForm.reset();
    await refreshTokens().catch((err: unknown) => handleSessionError(err));
    el.newToken.focus();
  } catch (err) {
    if (handleSessionError(err)) return;
    const message = messageOf(err);
    const status = err instanceof ApiError ? err.status : 0;
    // The API names the field it refuses ("name: …"); a duplicate name is a 409.
    const field = status === 409 ? 'name' : status === 400 ? fieldOf(message) : undefined;
    if (field === 'name') {
      setError(el.tokenNameError, message, el.tokenName);
      el.tokenName.focus();
    } else if (field === 'expires_in') setError(el.expiryError, message);
    else setError(el.createError, message);
  } finally {
    el.createSubmit.disabled = false;
  }
});

el.copyToken.addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(el.newTokenValue.value);
    el.copyStatus.textContent = 'Copied to the clipboard.';
  } catch {
    el.newTokenValue.focus();
    el.newTokenValue.select();
    el.copyStatus.textContent = 'Copying was blocked: the token is selected, press Ctrl+C (⌘C) to copy it.';
  }
});

el.dismissToken.addEventListener('click', () => {
  hideNewToken();
  el.tokenName.focus();
});

// ---- revoke ----------------------------------------------------------------

let pending: { item: PatItem; opener: HTMLButtonElement } | undefined;

function confirmRevoke(item: PatItem, opener: HTMLButtonElement): void {
  pending = { item, opener };
  el.revokeName.textContent = item.name;
  el.revokeDialog.returnValue = '';
  el.revokeDialog.showModal();
}

el.revokeDialog.addEventListener('close', async () => {
  const target = pending;
  pending = undefined;
  if (!target) return;
  if (el.revokeDialog.returnValue !== 'revoke') return target.opener.focus();
  target.opener.disabled = true;
  try {
    await api.revokeToken(target.item.id);
    el.tokensBody.querySelector(`tr[data-token-id="${CSS.escape(target.item.id)}"]`)?.remove();
    showNotice(`Revoked “${target.item.name}”. Clients using it will now be refused.`);
    await refreshTokens().catch((err: unknown) => handleSessionError(err));
    el.notice.focus();
  } catch (err) {
    if (handleSessionError(err)) return;
    target.opener.disabled = false;
    showNotice(`Could not revoke “${target.item.name}”: ${messageOf(err)}`, 'error');
  }
});

// ---- start -----------------------------------------------------------------

el.curlExample.textContent = `curl -H "Authorization: Bearer $PATGATE_TOKEN" ${apiBase(location.origin, location.pathname)}/users/me`;
if (session.get()) void showProfile();
else showSignIn();
