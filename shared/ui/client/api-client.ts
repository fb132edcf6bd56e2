/**
 * The management API as the page uses it: fetch with the session token,
 * and every non-2xx answer turned into an {@link ApiError} carrying the API's
 * own message (which says what to fix).
 */

/** A PAT as `GET /settings/tokens` lists it. */
export interface PatItem {
  id: string;
  name: string;
  created_ts: string;
  expiration_date?: string;
  last_used?: string;
}

/** The signed-in user, as `GET /users/me` returns it. */
export interface Me {
  id: string;
  email: string;
  roles: string[];
  created_ts: string;
}

/** A refused or failed request. `status` 0 means the server could not be reached. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    /** From `Retry-After` on a 429. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The field a 400 message names ("name: must be …"), if any. */
export function fieldOf(message: string): string | undefined {
  return /^([a-z_]+): /.exec(message)?.[1];
}

/** `Authorization: Basic` for an email and password, UTF-8 safe. */
export function basicAuth(email: string, password: string): string {
  const bytes = new TextEncoder().encode(`${email}:${password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

async function errorOf(res: Response): Promise<ApiError> {
  let message = `the server answered ${res.status}`;
  try {
    const body = (await res.json()) as { error?: unknown };
    if (typeof body.error === 'string' && body.error) message = body.error;
  } catch {
    // Not our JSON (a proxy's page): keep the status wording.
  }
  const retry = Number(res.headers.get('Retry-After'));
  return new ApiError(res.status, message, Number.isFinite(retry) && retry > 0 ? Math.ceil(retry) : undefined);
}

/** The API calls the page makes, against `base` (the management API's base URL). */
export function createApiClient(base: string, sessionToken: () => string | undefined) {
  async function call(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    const token = sessionToken();
    if (token && !headers.Authorization) headers.Authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers,
        cache: 'no-store',
        credentials: 'omit',
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
    } catch {
      throw new ApiError(0, 'cannot reach patgate: check your connection and try again');
    }
    if (!res.ok) throw await errorOf(res);
    return res;
  }

  return {
    /** Exchanges email and password for a session token. */
    login: async (email: string, password: string): Promise<string> =>
      (await call('POST', '/auth/login', { headers: { Authorization: basicAuth(email, password) } })).text(),
    /** Ends the session on the server. */
    logout: async (): Promise<void> => void (await call('POST', '/auth/logout')),
    me: async (): Promise<Me> => (await call('GET', '/users/me')).json() as Promise<Me>,
    listTokens: async (): Promise<PatItem[]> => (await call('GET', '/settings/tokens')).json() as Promise<PatItem[]>,
    /** Creates a PAT; resolves to the token itself, which the API shows only this once. */
    createToken: async (name: string, expiresInSeconds: number): Promise<string> =>
      (await call('POST', '/settings/tokens', { body: { name, expires_in: expiresInSeconds } })).text(),
    revokeToken: async (id: string): Promise<void> => void (await call('DELETE', `/settings/tokens/${encodeURIComponent(id)}`)),
  };
}

/** The client returned by {@link createApiClient}. */
export type ApiClient = ReturnType<typeof createApiClient>;
