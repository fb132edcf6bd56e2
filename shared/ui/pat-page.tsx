/**
 * The "My profile → Personal access tokens" page: one static HTML document
 * with its stylesheet and script inline. The script (shared/ui/client/) fills
 * it in from the management API; nothing here depends on the request.
 */
import type { FC } from 'hono/jsx';
import { DEFAULT_EXPIRY_DAYS, EXPIRY_CHOICES } from './client/time-format.js';
import { PAGE_STYLE } from './page-style.js';
import { pageSecurityHeaders, sha256Source } from './page-security.js';

const SignIn: FC = () => (
  <section id="signin-view" class="card narrow" aria-labelledby="signin-title" hidden>
    <h1 id="signin-title">Sign in to patgate</h1>
    <p id="signin-note" class="muted" role="status"></p>
    <form id="signin-form">
      <div class="field">
        <label for="signin-email">Email</label>
        <input id="signin-email" name="email" type="email" autocomplete="username" required />
      </div>
      <div class="field">
        <label for="signin-password">Password</label>
        <input id="signin-password" name="password" type="password" autocomplete="current-password" required />
      </div>
      <p id="signin-error" class="error" role="alert" hidden></p>
      <button id="signin-submit" type="submit">Sign in</button>
    </form>
  </section>
);

const NewToken: FC = () => (
  <div id="new-token" class="once" role="region" aria-labelledby="new-token-title" tabindex={-1} hidden>
    <h3 id="new-token-title">
      Your new token “<span id="new-token-name"></span>”
    </h3>
    <p class="warning">Copy it now. It will not be shown again: patgate keeps only a record of it, never the token itself.</p>
    <label for="new-token-value" class="sr-only">
      The new token
    </label>
    <textarea id="new-token-value" rows={4} readonly spellcheck={false} autocomplete="off"></textarea>
    <div class="row">
      <button id="copy-token" type="button">
        Copy
      </button>
      <button id="dismiss-token" type="button" class="secondary">
        Done, I have copied it
      </button>
      <span id="copy-status" role="status"></span>
    </div>
  </div>
);

const TokenList: FC = () => (
  <>
    <div id="tokens-empty" class="empty" hidden>
      <h3>No tokens yet</h3>
      <p>
        A personal access token lets a script, a CI job or a command-line tool call the API as you, without your password. Give each one a name that says
        where it is used, so you know which to revoke. Send it as a bearer token:
      </p>
      <pre>
        <code id="curl-example">curl -H "Authorization: Bearer $PATGATE_TOKEN" …/api/management/v1/useradm/users/me</code>
      </pre>
    </div>
    <table id="tokens-table" hidden>
      <caption class="sr-only">Your personal access tokens</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Created</th>
          <th scope="col">Expires</th>
          <th scope="col">Last used</th>
          <th scope="col">
            <span class="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody id="tokens-body"></tbody>
    </table>
  </>
);

const CreateForm: FC = () => (
  <form id="create-form" class="create" aria-labelledby="create-title">
    <h3 id="create-title">Create a token</h3>
    <div class="field">
      <label for="token-name">Name</label>
      <input id="token-name" name="name" type="text" maxlength={256} required autocomplete="off" aria-describedby="token-name-hint token-name-error" />
      <p id="token-name-hint" class="hint">
        Where it will be used, for example “CI deploy” or “laptop CLI”.
      </p>
      <p id="token-name-error" class="error" hidden></p>
    </div>
    <fieldset class="field" aria-describedby="expiry-error">
      <legend>Expires in</legend>
      <div class="choices">
        {EXPIRY_CHOICES.map((c) => (
          <label class="choice">
            <input type="radio" name="expiry" value={String(c.days)} checked={c.days === DEFAULT_EXPIRY_DAYS} />
            <span>{c.label}</span>
            <span class="when" data-days={String(c.days)}></span>
          </label>
        ))}
      </div>
      <p id="expiry-error" class="error" hidden></p>
    </fieldset>
    <p id="create-error" class="error" role="alert" hidden></p>
    <button id="create-submit" type="submit">
      Create token
    </button>
  </form>
);

const Profile: FC = () => (
  <div id="profile-view" hidden>
    <nav class="crumbs" aria-label="Breadcrumb">
      <ol>
        <li>My profile</li>
        <li aria-current="page">Personal access tokens</li>
      </ol>
    </nav>
    <section class="card" aria-labelledby="profile-title">
      <h1 id="profile-title">My profile</h1>
      <dl class="facts">
        <dt>Email</dt>
        <dd id="me-email"></dd>
        <dt>Roles</dt>
        <dd id="me-roles"></dd>
      </dl>
    </section>
    <section class="card" aria-labelledby="pats-title">
      <h2 id="pats-title">Personal access tokens</h2>
      <p class="muted">
        A token acts as you, with your roles (<span id="pats-roles"></span>), until it expires or you revoke it.
      </p>
      <div id="notice" class="notice" role="status" tabindex={-1} hidden></div>
      <NewToken />
      <TokenList />
      <CreateForm />
    </section>
  </div>
);

const RevokeDialog: FC = () => (
  <dialog id="revoke-dialog" aria-labelledby="revoke-title">
    <form method="dialog">
      <h2 id="revoke-title">
        Revoke “<span id="revoke-name"></span>”?
      </h2>
      <p>Anything using this token will be refused from now on. This cannot be undone.</p>
      <div class="row">
        <button value="cancel" class="secondary" autofocus>
          Cancel
        </button>
        <button id="revoke-confirm" value="revoke" class="danger">
          Revoke token
        </button>
      </div>
    </form>
  </dialog>
);

const Page: FC<{ style: string; script: string }> = ({ style, script }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>Personal access tokens · patgate</title>
      <link rel="icon" href="data:," />
      <style dangerouslySetInnerHTML={{ __html: style }} />
    </head>
    <body>
      <header class="bar">
        <span class="brand">patgate</span>
        <div id="account" class="account" hidden>
          <span id="account-email"></span>
          <button id="signout" type="button" class="secondary">
            Sign out
          </button>
        </div>
      </header>
      <main>
        <noscript>
          <p class="card">This page needs JavaScript. The API itself works without it: see the README.</p>
        </noscript>
        <SignIn />
        <Profile />
        <RevokeDialog />
      </main>
      <script dangerouslySetInnerHTML={{ __html: script }} />
    </body>
  </html>
);

/** The page's HTML and the headers it must be served with. */
export interface RenderedPage {
  readonly html: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Renders the page around the browser script; the CSP allows exactly this script and stylesheet. */
export function renderPatPage(script: string): RenderedPage {
  const html = `<!doctype html>${String(<Page style={PAGE_STYLE} script={script} />)}`;
  return Object.freeze({ html, headers: pageSecurityHeaders({ scriptHashes: [sha256Source(script)], styleHashes: [sha256Source(PAGE_STYLE)] }) });
}
