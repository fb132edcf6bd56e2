/**
 * The PAT page as served: HTML and headers. The page is static, so it is
 * rendered once: in the API bundle, `scripts/build-ui-client.ts` replaces this
 * module with the page prerendered at build time (no JSX runtime, esbuild or
 * hashing at run time). Run from source (tests, tsx), the browser script is
 * built and the page rendered here once per process, on first use.
 */
import type { RenderedPage } from './pat-page.js';

let page: Promise<RenderedPage> | undefined;

/** The rendered page; the same object on every call once it exists. */
export function pageDocument(): Promise<RenderedPage> {
  if (!page) {
    page = Promise.all([import('../../scripts/build-ui-client.js'), import('./pat-page.js')]).then(async ([client, view]) =>
      view.renderPatPage(await client.buildUiClient()),
    );
    // A failure is not kept: the next request tries again.
    page.catch(() => {
      page = undefined;
    });
  }
  return page;
}
