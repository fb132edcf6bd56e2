import { AppError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import type { PasswordHasher } from '../users/password-hasher.js';
import type { TokenService } from '../tokens/token-service.js';
import { checkEmail } from '../users/user-rules.js';
import { createLoginThrottle, type LoginThrottle } from './login-throttle.js';

/** What login needs. */
export interface LoginServiceDeps {
  store: Store;
  passwords: PasswordHasher;
  tokens: TokenService;
  clock: Clock;
  /** Defaults to the standard throttle on `store` and `clock`. */
  throttle?: LoginThrottle;
}

const badCredentials = () => new AppError('unauthorized', 'unauthorized: wrong email or password', { credentialsPresent: true });

/** Exchanges an email and password for a session token. */
export function createLoginService(deps: LoginServiceDeps) {
  const { store, passwords, tokens } = deps;
  const throttle = deps.throttle ?? createLoginThrottle({ store, clock: deps.clock });
  return Object.freeze({
    /**
     * Checks the credentials and starts a session. An unknown email costs a
     * full scrypt and the same store writes as a wrong password, and gets
     * the same answers (401, or 429 once throttled: see login-throttle.ts).
     */
    async login(email: string, password: string, opts: { noExpiry?: boolean } = {}): Promise<string> {
      let address: string;
      try {
        address = checkEmail(email);
      } catch {
        // Cannot be an account: nothing to count, but the same cost and answer.
        await passwords.verifyDummy(password);
        throw badCredentials();
      }
      const user = await throttle.attempt(address, async () => {
        const found = await store.getUserByEmail(address);
        if (!found) return passwords.verifyDummy(password).then(() => undefined);
        // A disabled user's right password is a failure too: same answer, same count.
        return (await passwords.verify(password, found.passwordHash)) && found.status === 'active' ? found : undefined;
      });
      if (!user) throw badCredentials();
      if (passwords.needsRehash(user.passwordHash)) {
        // Upgrade the hash to the current parameters while we hold the password;
        // conditional on the profile we read, so a concurrent password change wins.
        await store.updateUser(user.id, { passwordHash: await passwords.hash(password) }, deps.clock.now(), user).catch(() => undefined);
      }
      return tokens.createSession(user.id, opts);
    },
  });
}

/** The service returned by {@link createLoginService}. */
export type LoginService = ReturnType<typeof createLoginService>;
