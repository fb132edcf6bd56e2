import { createHash } from 'node:crypto';

/** A CSP hash source (`'sha256-…'`) for an inline script or style. */
export const sha256Source = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The security headers of the page. The CSP allows only the inline script
 * and stylesheet with these hashes, API calls to this origin, and no
 * framing, plugins, base URL changes or form posts elsewhere; Trusted Types
 * make any HTML-string sink throw, so token names can only ever be text.
 */
export function pageSecurityHeaders(opts: { scriptHashes: readonly string[]; styleHashes: readonly string[] }): Readonly<Record<string, string>> {
  const csp = [
    "default-src 'none'",
    `script-src ${opts.scriptHashes.join(' ')}`,
    `style-src ${opts.styleHashes.join(' ')}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
  return Object.freeze({
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
    // The page holds no data; revalidate so a deploy's new script is picked up.
    'Cache-Control': 'no-cache',
  });
}
