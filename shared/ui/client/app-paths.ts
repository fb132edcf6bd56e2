/**
 * Where the API is, seen from the page. The page is served at `/` and
 * `/ui/` of the API's origin, possibly under a stage or base path
 * (`/prod/ui/` on API Gateway), so every URL is derived from the page's own
 * path rather than assumed to start at `/`.
 */

/** The management API's path below the app root (the server's BASE_PATH, without its leading slash). */
export const API_PATH = 'api/management/v1/useradm';

/** The app root for the page's path, ending in `/`: `/prod/ui/` → `/prod/`, `/ui` → `/`. */
export function appRoot(pathname: string): string {
  const root = pathname.replace(/\/ui\/?$/, '/');
  return root.endsWith('/') ? root : `${root}/`;
}

/** The management API's base URL (no trailing slash) for a page at `origin` + `pathname`. */
export const apiBase = (origin: string, pathname: string): string => `${origin}${appRoot(pathname)}${API_PATH}`;
