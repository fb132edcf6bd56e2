import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import type { PasswordHasher } from '../users/password-hasher.js';
import type { TokenService } from '../tokens/token-service.js';

/** What login needs. */
export interface LoginServiceDeps {
  store: Store;
  passwords: PasswordHasher;
  tokens: TokenService;
  clock: Clock;
}

const badCredentials = () => new AppError('unauthorized', 'unauthorized: wrong email or password', { credentialsPresent: true });

/** Exchanges an email and password for a session token. */
export function createLoginService(deps: LoginServiceDeps) {
  const { store, passwords, tokens } = deps;
  return Object.freeze({
    /**
     * Checks the credentials and starts a session. An unknown email costs a
     * full scrypt like a wrong password, and gets the same answer.
     */
    async login(email: string, password: string, opts: { noExpiry?: boolean } = {}): Promise<string> {
      const user = await store.getUserByEmail(email);
      if (!user) {
        await passwords.verifyDummy(password);
        throw badCredentials();
      }
      if (!(await passwords.verify(password, user.passwordHash)) || user.status !== 'active') throw badCredentials();
      if (passwords.needsRehash(user.passwordHash)) {
        // Upgrade the hash to the current parameters while we hold the password.
        await store.updateUser(user.id, { passwordHash: await passwords.hash(password) }, deps.clock.now()).catch(() => undefined);
      }
      return tokens.createSession(user.id, opts);
    },
  });
}

/** The service returned by {@link createLoginService}. */
export type LoginService = ReturnType<typeof createLoginService>;
