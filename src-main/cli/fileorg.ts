// The CLI's entry: build/bundle-cli.mjs bundles it into dist/fileorg-bundle.cjs, which the `fileorg` bin runs
// (launcher.ts). A command that scans a tree starts its walker threads before the rest of the CLI loads: they
// load on the core the CLI's loading leaves idle (see prestartWalkers).
import { prestartWalkers } from '../core/scan/walker-pool.js';

/** Commands whose first work is scanning a tree (a folder of that name on the line only starts threads early). */
const SCANNING_COMMANDS = new Set(['organize', 'scan', 'dupes']);

if (process.argv.slice(2).some((word) => SCANNING_COMMANDS.has(word))) prestartWalkers();
// No top-level await: the bundle is CommonJS (see launcher.ts).
void import('./main.js');
