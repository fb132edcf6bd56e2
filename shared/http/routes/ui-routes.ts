import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { pageDocument } from '../../ui/page-document.js';

/** The paths the PAT page is served at. */
export const UI_PATHS = ['/', '/ui', '/ui/'] as const;

/**
 * `GET /` and `GET /ui/`: the "My profile → Personal access tokens" page. It
 * is public: it holds no data, and the API calls it makes carry the session.
 */
export function uiRoutes() {
  const app = new Hono<AppEnv>();
  for (const path of UI_PATHS) {
    app.get(path, async (c) => {
      const { html, headers } = await pageDocument();
      return c.body(html, 200, headers);
    });
  }
  return app;
}
