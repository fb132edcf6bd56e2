/**
 * `npm start`: patgate on this machine, with no AWS account. It starts the
 * embedded DynamoDB (dynalite) unless DYNAMODB_ENDPOINT or TABLE_NAME points
 * elsewhere, then serves the built Lambda bundles (`dist/`) behind a small
 * API Gateway stand-in, so what runs here is what deploys.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig } from '../../shared/config.js';
import { ensureTable } from '../../shared/store/create-table.js';
import { createDynamoClientFor, wireRuntime } from '../../shared/wiring.js';
import { MAX_BODY_BYTES } from '../../shared/http/app.js';
import { bootstrapAdmin } from './bootstrap-admin.js';
import { startEmbeddedEngine, type EmbeddedEngine } from './embedded-engine.js';
import { readBody, toRestEvent, writeError, writeResult, type ProxyResult, type RestProxyEvent } from './lambda-gateway.js';
import { createAuthorizedRoutes, DEMO_ROUTE_ROLES, DEMO_ROUTES, type RestRequestAuthorizerEvent } from './authorizer-gateway.js';

type ProxyHandler = (event: RestProxyEvent, context: unknown) => Promise<ProxyResult>;

/** A running local server. */
export interface LocalServer {
  readonly url: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** Options for {@link startLocalServer}; everything else comes from the environment. */
export interface LocalServerOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the built bundles are (default `dist`). */
  distDir?: string;
  /** Print the welcome text (default true). */
  announce?: boolean;
}

let instances = 0;

/**
 * Loads a built Lambda bundle as a fresh instance: the bundle reads its
 * configuration from process.env at import, as on Lambda, so the environment
 * is set for the import and restored after. The query string gives each
 * server its own module instance (its own "cold start").
 */
async function loadBundle<T>(file: string, env: NodeJS.ProcessEnv): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return (await import(`${pathToFileURL(file).href}?instance=${++instances}`)) as T;
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

const lambdaContext = (requestId: string) => ({ awsRequestId: requestId, functionName: 'local', getRemainingTimeInMillis: () => 10_000 });

/** Starts the local server and resolves when it listens. */
export async function startLocalServer(opts: LocalServerOptions = {}): Promise<LocalServer> {
  const env = { ...(opts.env ?? process.env) };
  const dataDir = resolve(env.PATGATE_DATA_DIR?.trim() || '.patgate');
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number, got "${env.PORT}"`);

  let engine: EmbeddedEngine | undefined;
  if (!env.DYNAMODB_ENDPOINT && !env.TABLE_NAME) {
    engine = await startEmbeddedEngine(dataDir);
    env.DYNAMODB_ENDPOINT = engine.endpoint;
    // The embedded engine shares this machine's CPU with everything else on
    // it; the 900 ms default is a bound for DynamoDB on AWS.
    env.PATGATE_DYNAMODB_TIMEOUT_MS ||= '5000';
  }
  env.PATGATE_DATA_DIR = dataDir;
  env.PATGATE_SIGNING_KEY_FILE ||= resolve(dataDir, 'signing-key.pem');
  // The /demo routes show route role rules at work: /demo/admin/* needs role admin (unless PATGATE_ROUTE_ROLES says otherwise).
  if (env.PATGATE_ROUTE_ROLES === undefined) env.PATGATE_ROUTE_ROLES = JSON.stringify(DEMO_ROUTE_ROLES);
  const config = loadConfig(env);
  if (config.dynamodbEndpoint) {
    await ensureTable(createDynamoClientFor(config), config.tableName);
  }
  const runtime = await wireRuntime(config, { sign: true });
  const admin = await bootstrapAdmin(runtime, env);

  const dist = resolve(opts.distDir ?? 'dist');
  const api = await loadBundle<{ handler: ProxyHandler }>(resolve(dist, 'api/index.mjs'), env);
  const demo = createAuthorizedRoutes({
    authorizer: (await loadBundle<{ handler: (e: RestRequestAuthorizerEvent, c: unknown) => Promise<unknown> }>(resolve(dist, 'authorizer/index.mjs'), env)).handler,
    downstream: (await loadBundle<{ handler: ProxyHandler }>(resolve(dist, 'demo/index.mjs'), env)).handler,
    routes: DEMO_ROUTES,
    onError: (message, err) => console.error(JSON.stringify({ level: 'error', message, error: (err as Error)?.message })),
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === 'too_large') return writeError(res, 413, `the request body is larger than ${MAX_BODY_BYTES / 1024} KiB`, '');
    const event = toRestEvent(req, body);
    if (event.path === '/demo' || event.path.startsWith('/demo/')) return demo(res, event);
    writeResult(res, await api.handler(event, lambdaContext(event.requestContext.requestId)));
  }

  const server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      console.error(JSON.stringify({ level: 'error', message: 'local gateway failure', error: (err as Error)?.name }));
      if (!res.headersSent) writeError(res, 500, 'internal error', '');
      else res.end();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  const address = server.address();
  const url = `http://localhost:${typeof address === 'object' && address ? address.port : port}`;

  if (opts.announce !== false) {
    const lines = [`patgate is listening on ${url}`, `data folder: ${dataDir}${engine ? ' (embedded DynamoDB)' : ` (DynamoDB at ${config.dynamodbEndpoint ?? 'AWS'}, table ${config.tableName})`}`];
    if (admin.created && admin.generatedPassword) {
      lines.push(`created admin ${admin.email} with password: ${admin.generatedPassword}`, '(shown once; set PATGATE_ADMIN_EMAIL and PATGATE_ADMIN_PASSWORD to choose your own)');
    } else if (admin.created) lines.push(`created admin ${admin.email}`);
    lines.push('', 'next, log in:', `  curl -s -X POST -u '${admin.email}:PASSWORD' ${url}/api/management/v1/useradm/auth/login`);
    lines.push('', `or manage your personal access tokens in a browser: ${url}/`);
    console.log(lines.join('\n'));
  }

  return {
    url,
    dataDir,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await engine?.close();
    },
  };
}

// Run directly (`npm start`): stop cleanly on Ctrl-C.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const local = await startLocalServer();
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      console.log('\nstopping patgate…');
      await local.close();
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (err) {
    console.error(err instanceof ConfigError ? `configuration error: ${err.message}` : `patgate failed to start: ${(err as Error).message}`);
    process.exit(1);
  }
}
