/** Sizes of a built bundle: what a cold start loads, and everything on disk. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Bytes of a bundle folder. */
export interface BundleSize {
  /** The entry plus every chunk it imports statically: what a cold start parses. */
  eagerBytes: number;
  eagerGzipBytes: number;
  /** Every `.mjs` in the folder, lazily loaded chunks included. */
  totalBytes: number;
  files: number;
}

// Static imports in esbuild's minified output: `import{a as b}from"./x.mjs"` or `import"./x.mjs"`.
const STATIC_IMPORT = /import\s*(?:[\w$*{}\s,]+from\s*)?"(\.{1,2}\/[^"]+\.mjs)"/g;

async function listMjs(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listMjs(path)));
    else if (entry.name.endsWith('.mjs')) out.push(path);
  }
  return out;
}

/** Measures `dir/index.mjs` and what it loads. */
export async function bundleSize(dir: string): Promise<BundleSize> {
  const seen = new Set<string>();
  const eager: Buffer[] = [];
  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = await readFile(file);
    eager.push(code);
    for (const m of code.toString('utf8').matchAll(STATIC_IMPORT)) await visit(resolve(dirname(file), m[1]!));
  };
  await visit(resolve(dir, 'index.mjs'));
  const all = await listMjs(dir);
  let totalBytes = 0;
  for (const f of all) totalBytes += (await stat(f)).size;
  const joined = Buffer.concat(eager);
  return { eagerBytes: joined.length, eagerGzipBytes: gzipSync(joined).length, totalBytes, files: all.length };
}
