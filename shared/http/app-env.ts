import type { Principal } from '../auth/authenticator.js';

/** Hono variables set by patgate's middleware. */
export interface AppVariables {
  requestId: string;
  /** Set by `requireAuth` for authenticated routes. */
  principal: Principal;
}

/** The Hono environment of patgate's app. */
export interface AppEnv {
  Variables: AppVariables;
}
