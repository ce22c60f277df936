// What every benchmark here starts with: its command-line options (files, runs, seed, work folder, keep, plus
// its own) and a deterministic tree made once by ../shared/bench/make-corpus.mjs, reused while its manifest
// exists.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** the `fileorg` bin as built */
export const CLI = path.resolve(here, '..', 'dist', 'fileorg.js');

/** Parse the options every bench takes (`--files --runs --seed --work --keep`) and `extra`, its own. */
export function benchOptions(name, extra = {}) {
  const { values } = parseArgs({ options: {
    files: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' }, seed: { type: 'string', default: '7' },
    work: { type: 'string', default: path.join(os.tmpdir(), `fileorg-${name}`) }, keep: { type: 'boolean', default: false },
    ...extra,
  } });
  return { ...values, files: Number(values.files), runs: Number(values.runs), work: path.resolve(values.work) };
}

/**
 * The tree for `files` and `seed` under `work`, made if missing. `smallFiles`: at most ~256 bytes a file on
 * average (for benches of metadata work, not disk bandwidth); `maxBytes`: the tree's whole size, its files
 * scaled down to fit (make-corpus's --max-bytes); else make-corpus's own sizes.
 */
export function benchTree({ files, seed, work }, { smallFiles = false, maxBytes } = {}) {
  const generator = path.resolve(here, '..', '..', 'shared', 'bench', 'make-corpus.mjs');
  if (!fs.existsSync(generator)) { console.error(`needs ${generator} (the shared corpus generator)`); process.exit(2); }
  const tree = path.join(work, `tree-${files}-${seed}${maxBytes ? `-${maxBytes}` : ''}`);
  if (!fs.existsSync(`${tree}.manifest.json`)) {
    fs.rmSync(tree, { recursive: true, force: true });
    fs.mkdirSync(work, { recursive: true });
    console.log(`making a ${files}-file tree in ${tree} ...`);
    const sizes = maxBytes ? [`--max-bytes=${maxBytes}`] : smallFiles ? [`--max-bytes=${Math.max(64 * files * 4, 200 * 1024 * 1024)}`] : [];
    execFileSync(process.execPath, [generator, tree, String(files), seed, ...sizes], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return { tree, manifestFile: `${tree}.manifest.json` };
}
