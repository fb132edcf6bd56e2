import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../../support/harness.js';

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const inline = (html: string, tag: 'script' | 'style') => [...html.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]!);

describe('the PAT page route', () => {
  let h: Harness;
  let res: Response;
  let html: string;

  beforeAll(async () => {
    h = await createHarness();
    res = await h.app.request('http://localhost/');
    html = await res.text();
  });

  it('serves the same page at /, /ui and /ui/', async () => {
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(html.startsWith('<!doctype html><html lang="en">')).toBe(true);
    for (const path of ['/ui', '/ui/']) {
      const other = await h.app.request(`http://localhost${path}`);
      expect(other.status).toBe(200);
      expect(await other.text()).toBe(html);
    }
  });

  it('allows exactly its own inline script and stylesheet by hash, and nothing else', () => {
    const csp = res.headers.get('Content-Security-Policy')!;
    const [script, ...moreScripts] = inline(html, 'script');
    const [style, ...moreStyles] = inline(html, 'style');
    expect(moreScripts).toEqual([]);
    expect(moreStyles).toEqual([]);
    expect(csp.split('; ')).toEqual([
      "default-src 'none'",
      `script-src ${hashOf(script!)}`,
      `style-src ${hashOf(style!)}`,
      "connect-src 'self'",
      "img-src 'self' data:",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "require-trusted-types-for 'script'",
      "trusted-types 'none'",
    ]);
  });

  it('sends the other security headers', () => {
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
    expect(res.headers.get('X-Frame-Options')).toBe('DENY');
  });

  it('refers to nothing outside its own origin', () => {
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/@import|url\(/i);
  });

  it('labels every input', () => {
    const ids = [...html.matchAll(/<(?:input|textarea)[^>]*\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(3);
    for (const id of ids) expect(html).toContain(`for="${id}"`);
    // Radio inputs sit inside their <label>.
    expect([...html.matchAll(/<label class="choice"><input type="radio"/g)]).toHaveLength(4);
  });

  it('is public, while the API next to it still refuses requests without a token', async () => {
    expect((await h.request('/users/me')).status).toBe(401);
    const unknown = await h.app.request('http://localhost/ui/nope');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'no such endpoint: GET /ui/nope' });
  });
});
