/**
 * Configuration, read once at the edge (a Lambda's cold start, the local
 * server's start) into a typed, frozen object. A bad value fails at start
 * with a message naming the variable; nothing reads `process.env` later.
 */

/** Route pattern (`"GET /reports/*"`) to the roles it requires (any one of them). */
export type RouteRoles = Readonly<Record<string, readonly string[]>>;

/** Where the signing and verification keys come from. */
export type KeySource =
  /** A PEM file (local runs); generated on first start. */
  | { readonly kind: 'file'; readonly path: string }
  /** KMS: `signingKeyId` signs; every id in `verifyKeyIds` is trusted for verification. */
  | { readonly kind: 'kms'; readonly signingKeyId: string; readonly verifyKeyIds: readonly string[] };

/** The whole configuration. */
export interface Config {
  readonly tableName: string;
  /** Another DynamoDB endpoint (dynalite); absent on AWS. */
  readonly dynamodbEndpoint?: string;
  /**
   * `AWS_REGION` (or `AWS_DEFAULT_REGION`). Absent: the SDK's own region
   * chain decides (the profile's region), and a local endpoint uses us-east-1.
   */
  readonly region?: string;
  /** Limit of one DynamoDB call, retries included, milliseconds (default 900). */
  readonly dynamodbTimeoutMs: number;
  /** The `iss` of every token, checked on verification. */
  readonly issuer: string;
  readonly keys: KeySource;
  /** Session lifetime, seconds (default one week). */
  readonly sessionTtlSeconds: number;
  /** Longest PAT lifetime, seconds (default one year). */
  readonly patMaxTtlSeconds: number;
  /** Whether `no_expiry` logins and `expires_in: 0` PATs are allowed (default false). */
  readonly allowNonExpiring: boolean;
  readonly maxPatsPerUser: number;
  readonly maxSessionsPerUser: number;
  /** Clock skew tolerated on `exp`/`nbf`, seconds (default 30). */
  readonly clockSkewSeconds: number;
  /** Authorizer in-memory decision cache, seconds (default 5, 0 = off). */
  readonly decisionCacheSeconds: number;
  /** Route role rules applied by the authorizer. */
  readonly routeRoles: RouteRoles;
}

/** Raised when the environment holds a bad configuration. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(`${name} must be from ${min} to ${max}, got ${value}`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be "true" or "false", got "${env[name]}"`);
}

const ROLE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const ROUTE_PATTERN = /^(\*|[A-Z]+) \/\S*$/;

/** Parses and checks `PATGATE_ROUTE_ROLES`, a JSON object of route pattern to roles. */
export function parseRouteRoles(raw: string | undefined, name = 'PATGATE_ROUTE_ROLES'): RouteRoles {
  if (raw === undefined || raw.trim() === '') return Object.freeze({});
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${name} must be a JSON object such as {"GET /reports/*": ["auditor"]}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`${name} must be a JSON object such as {"GET /reports/*": ["auditor"]}`);
  }
  const out: Record<string, readonly string[]> = {};
  for (const [route, roles] of Object.entries(parsed)) {
    if (!ROUTE_PATTERN.test(route)) throw new ConfigError(`${name}: route "${route}" must look like "GET /path/*" or "* /admin/*"`);
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => typeof r === 'string' && ROLE_PATTERN.test(r))) {
      throw new ConfigError(`${name}: route "${route}" needs a non-empty array of role names`);
    }
    out[route] = Object.freeze([...roles]);
  }
  return Object.freeze(out);
}

/** Reads the configuration from an environment. Throws {@link ConfigError}. */
export function loadConfig(env: Env = process.env): Config {
  const kmsKeyId = env.PATGATE_KMS_KEY_ID?.trim();
  const keys: KeySource = kmsKeyId
    ? Object.freeze({
        kind: 'kms' as const,
        signingKeyId: kmsKeyId,
        // The signing key is always trusted; older keys stay trusted during rotation.
        verifyKeyIds: Object.freeze([kmsKeyId, ...(env.PATGATE_KMS_VERIFY_KEY_IDS ?? '').split(',').map((s) => s.trim()).filter((s) => s && s !== kmsKeyId)]),
      })
    : Object.freeze({ kind: 'file' as const, path: env.PATGATE_SIGNING_KEY_FILE?.trim() || `${env.PATGATE_DATA_DIR?.trim() || '.patgate'}/signing-key.pem` });
  const dynamodbEndpoint = env.DYNAMODB_ENDPOINT?.trim();
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim();
  const config: Config = {
    ...(region ? { region } : {}),
    tableName: env.TABLE_NAME?.trim() || 'patgate',
    ...(dynamodbEndpoint ? { dynamodbEndpoint } : {}),
    dynamodbTimeoutMs: int(env, 'PATGATE_DYNAMODB_TIMEOUT_MS', 900, 100, 30_000),
    issuer: env.PATGATE_ISSUER?.trim() || 'patgate',
    keys,
    sessionTtlSeconds: int(env, 'PATGATE_SESSION_TTL_SECONDS', 604_800, 60, 31_536_000),
    patMaxTtlSeconds: int(env, 'PATGATE_PAT_MAX_TTL_SECONDS', 31_536_000, 60, 10 * 31_536_000),
    allowNonExpiring: bool(env, 'PATGATE_ALLOW_NON_EXPIRING', false),
    maxPatsPerUser: int(env, 'PATGATE_MAX_PATS_PER_USER', 10, 1, 1000),
    maxSessionsPerUser: int(env, 'PATGATE_MAX_SESSIONS_PER_USER', 10, 1, 1000),
    clockSkewSeconds: int(env, 'PATGATE_CLOCK_SKEW_SECONDS', 30, 0, 300),
    decisionCacheSeconds: int(env, 'PATGATE_DECISION_CACHE_SECONDS', 5, 0, 300),
    routeRoles: parseRouteRoles(env.PATGATE_ROUTE_ROLES),
  };
  return Object.freeze(config);
}
