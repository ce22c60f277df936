#!/usr/bin/env node
// The `fileorg` bin (dist/fileorg.js, bundled by build/bundle-cli.mjs): it runs the CLI's bundle
// (dist/fileorg-bundle.cjs) with a V8 code cache, so that a command does not parse and compile ~0.9 MB of
// JavaScript each time it starts. Measured here: `fileorg --help` 0.44 s -> 0.31 s; a 100k-file `fileorg dupes`
// ~100 ms less CPU. Node 20 has no code cache for ES modules (module.enableCompileCache came in 22), hence
// a CommonJS bundle run through vm.Script, as v8-compile-cache does.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { codeCacheFile, readCodeCache, writeCodeCache } from './code-cache.js';

// V8 takes a cache only under the flags it was made under. The threads set --expose-gc as they run (to give
// memory back, see collect-garbage.ts), and the cache is written at exit: set it first, so that both agree.
v8.setFlagsFromString('--expose-gc');

const bundle = fileURLToPath(new URL('./fileorg-bundle.cjs', import.meta.url));
const source = fs.readFileSync(bundle, 'utf8');
const cacheFile = process.env.FILEORG_CODE_CACHE === 'off' ? undefined : codeCacheFile(bundle, process.argv.slice(2));
const cachedData = cacheFile ? readCodeCache(cacheFile) : undefined;
// The bundle as the body of a function of CommonJS's arguments, the URL its modules resolve files from, and
// the import() it loads ES-only packages with (trash): this module's, since a script from a code cache has
// none of its own ("A dynamic import callback was not specified").
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __bundleUrl, __fileorgImport) {${source}\n})`, {
  filename: bundle,
  cachedData,
});
const state = cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'used';
if (process.env.FILEORG_DEBUG) process.stderr.write(`fileorg: code cache ${cacheFile ?? 'off'}: ${state}\n`);
// Made at exit: by then it holds the functions this command compiled, not only the top level.
if (cacheFile && state !== 'used') process.once('exit', () => { writeCodeCache(cacheFile, script.createCachedData()); });

const module = { exports: {} };
const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string,
  bundleUrl: string, load: (specifier: string) => Promise<unknown>) => void;
run(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle), pathToFileURL(bundle).href, (specifier) => import(specifier));
