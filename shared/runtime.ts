import type { Config } from './config.js';
import { describeError, silentLogger, type Logger } from './logger.js';
import { systemClock, type Clock } from './clock.js';
import type { Store } from './store/store.js';
import type { PublicKeyJwk, Signer } from './tokens/signer.js';
import { createTokenMinter } from './tokens/token-signer.js';
import { createTokenVerifier, type TokenVerifier } from './tokens/token-verifier.js';
import { createTokenService, type TokenService } from './tokens/token-service.js';
import { createAuthenticator, type Authenticator } from './auth/authenticator.js';
import { createLoginService, type LoginService } from './auth/login-service.js';
import { createPasswordHasher, type PasswordHasher } from './users/password-hasher.js';
import { createUserService, type UserService } from './users/user-service.js';

/** The real or test parts a runtime is built from. */
export interface RuntimeDeps {
  config: Config;
  store: Store;
  /** Signs new tokens; absent in the authorizer, which only verifies. */
  signer?: Signer;
  /** Every key trusted for verification (the signer's and older ones). */
  publicKeys: readonly PublicKeyJwk[];
  clock?: Clock;
  passwords?: PasswordHasher;
  /** Told about failures that do not fail a request (a `last_used` write). */
  logger?: Logger;
}

/** Everything the handlers use, built once per process. */
export interface Runtime {
  readonly config: Config;
  readonly clock: Clock;
  readonly store: Store;
  readonly publicKeys: readonly PublicKeyJwk[];
  readonly verifier: TokenVerifier;
  readonly authenticator: Authenticator;
  readonly passwords: PasswordHasher;
  readonly users: UserService;
  /** Present when a signer was given. */
  readonly tokens?: TokenService;
  readonly login?: LoginService;
}

/**
 * Wires the core from its parts. The one place that decides which piece
 * gets which dependency; Lambda handlers, the local server and tests all
 * come through here.
 */
export async function createRuntime(deps: RuntimeDeps): Promise<Runtime> {
  const { config, store } = deps;
  const clock = deps.clock ?? systemClock;
  const passwords = deps.passwords ?? createPasswordHasher();
  const verifier = await createTokenVerifier({ keys: deps.publicKeys, issuer: config.issuer, clockSkewSeconds: config.clockSkewSeconds, clock });
  const logger = deps.logger ?? silentLogger;
  const authenticator = createAuthenticator({ verifier, store, clock, onTouchError: (err) => logger.warn('could not record a token use (last_used)', describeError(err)) });
  const users = createUserService({ store, passwords, clock });
  let tokens: TokenService | undefined;
  let login: LoginService | undefined;
  if (deps.signer) {
    const minter = createTokenMinter({ signer: deps.signer, issuer: config.issuer });
    tokens = createTokenService({ store, minter, clock, policy: config });
    login = createLoginService({ store, passwords, tokens, clock });
  }
  return Object.freeze({ config, clock, store, publicKeys: deps.publicKeys, verifier, authenticator, passwords, users, ...(tokens ? { tokens } : {}), ...(login ? { login } : {}) });
}
