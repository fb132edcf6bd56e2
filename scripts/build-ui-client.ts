/**
 * Builds the PAT page's browser script (shared/ui/client/) into one minified
 * string, and the esbuild plugin that puts the prerendered page into the API
 * bundle.
 *
 * The page inlines the script and allows it by its CSP hash, so it is text,
 * not a file: Lambda needs no asset and no filesystem read per request.
 */
import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../shared/ui/client/main.ts', import.meta.url));

/** The browser script as minified JavaScript text. */
export async function buildUiClient(): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: ['chrome110', 'firefox115', 'safari16'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const js = out.outputFiles[0]!.text.trim();
  // Inlined into <script>: a closing tag inside would end it early.
  if (/<\/script/i.test(js)) throw new Error('the UI client script contains "</script"; it cannot be inlined');
  return js;
}

/**
 * Replaces `shared/ui/page-document.ts` (which builds and renders the page on
 * first use when run from source) with the page prerendered now, so the API
 * bundle carries only the finished HTML and headers: no JSX runtime, no
 * esbuild, no hashing at run time.
 */
export const uiPagePlugin: Plugin = {
  name: 'patgate-ui-page',
  setup(b) {
    b.onResolve({ filter: /[\\/]ui[\\/]page-document(\.js|\.ts)?$/ }, (args) => ({ path: args.path, namespace: 'patgate-ui-page' }));
    b.onLoad({ filter: /.*/, namespace: 'patgate-ui-page' }, async () => {
      const { renderPatPage } = await import('../shared/ui/pat-page.js');
      const page = renderPatPage(await buildUiClient());
      return {
        contents: `const page = Object.freeze({ html: ${JSON.stringify(page.html)}, headers: Object.freeze(${JSON.stringify(page.headers)}) });\nexport const pageDocument = () => Promise.resolve(page);\n`,
        loader: 'js',
      };
    });
  },
};
