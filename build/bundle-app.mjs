#!/usr/bin/env node
// The desktop app's own bundles, beside the CLI's: the main process (build/bundle-main.mjs) and the preload
// (build/bundle-preload.mjs, CommonJS for the sandbox). Each script builds one; this runs both.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
for (const script of ['bundle-main.mjs', 'bundle-preload.mjs']) {
  const file = path.join(here, script);
  if (fs.existsSync(file)) await import(pathToFileURL(file).href);
}
