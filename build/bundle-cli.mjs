#!/usr/bin/env node
// Bundles the built CLI (dist/src-main/cli/fileorg.js, emitted by tsc) with its pure-JavaScript dependencies
// into one CommonJS file, dist/fileorg-bundle.cjs, and the `fileorg` bin, dist/fileorg.js, the small ES module
// that runs it with a V8 code cache (src-main/cli/launcher.ts). Why one file: Node loads an ES module graph file
// by file, and zod and drizzle-orm alone are a few hundred files (measured here: `fileorg --help` 0.47 s
// unbundled, 0.32 s bundled). Why CommonJS: Node 20 caches compiled code only for scripts (--help 0.44 s ->
// 0.31 s with the cache).
//
// Packages with native parts or files of their own (worker scripts, helper binaries) stay external and load
// from node_modules as before. Our modules find files beside themselves through import.meta.url (worker
// scripts, the native module, the migrations): in the bundle each such use is rewritten to the URL that
// module had in dist/ (from __bundleUrl, the bundle's own URL, which the launcher passes), so every path
// resolves exactly as it did unbundled.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const bin = path.join(dist, 'fileorg.js');
const bundle = path.join(dist, 'fileorg-bundle.cjs');

// The HTTP server's packages too: `serve` alone loads them, and Swagger UI serves files from its own folder.
const EXTERNAL = ['better-sqlite3', '@napi-rs/blake-hash', 'piscina', 'trash', 'file-type', 'exifr', 'hash-wasm',
  'fastify', '@fastify/*', 'ws', '@node-rs/bcrypt'];

/** import.meta.url in a module of dist/ becomes that module's own URL, from the bundle's (in dist/). */
const moduleUrls = {
  name: 'module-urls',
  setup(builder) {
    builder.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(dist + path.sep)) return undefined;
      // A package loaded with import() (ES-only ones: trash) is loaded by the launcher's import() instead:
      // V8 forgets how a script loads modules when the script comes from a code cache.
      const text = (await fs.promises.readFile(args.path, 'utf8')).replace(/\bimport\((['"])([^.'"][^'"]*)\1\)/g, '__fileorgImport($1$2$1)');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'js' };
      const relative = `./${path.relative(dist, args.path).split(path.sep).join('/')}`;
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, __bundleUrl).href`), loader: 'js' };
    });
  },
};

const common = { bundle: true, platform: 'node', target: 'node20', legalComments: 'none', logLevel: 'warning' };

await build({
  ...common,
  entryPoints: [path.join(dist, 'src-main', 'cli', 'fileorg.js')],
  outfile: bundle,
  format: 'cjs',
  external: EXTERNAL,
  plugins: [moduleUrls],
  // Less source for V8 to scan when there is no cache yet; identifiers are kept, so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
});

// The launcher keeps its own import.meta.url: it finds the bundle beside itself.
await build({ ...common, entryPoints: [path.join(dist, 'src-main', 'cli', 'launcher.js')], outfile: bin, format: 'esm' });
fs.chmodSync(bin, 0o755);
