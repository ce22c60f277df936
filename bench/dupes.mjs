#!/usr/bin/env node
// npm run bench:dupes [-- --files 1000000 --runs 3 --keep]
// Makes a tree with ../shared/bench/make-corpus.mjs (default sizes: 100k files are ~1.8 GiB), then runs, as
// the median of N runs on the same tree: `fileorg dupes --json` with an empty hash cache (a new data folder
// each run), `jdupes -r -q` and `rmlint --without-fiemap`, alternating. Prints each time, the ratio
// ours/jdupes, peak RSS, and whether our groups equal the manifest's. Times are printed, never asserted.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchOptions, benchTree, CLI } from './bench-tree.mjs';

const values = benchOptions('dupes');
const { files, runs, work } = values;
const { tree, manifestFile } = benchTree(values);

// The baselines come from Debian; install them if they are missing (CI does not run this script).
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
if ((!has('jdupes') || !has('rmlint')) && process.getuid?.() === 0) spawnSync('apt-get', ['install', '-y', '-qq', 'jdupes', 'rmlint'], { stdio: 'ignore' });
const timeCommand = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
if (!timeCommand) console.log('!!! /usr/bin/time is missing (apt-get install time): peak RSS cannot be measured');

/** Run a command, timing it; its peak RSS from GNU time's %M (KiB). */
function measure(command, args, options = {}) {
  const started = performance.now();
  const result = timeCommand
    ? spawnSync(timeCommand, ['-f', '%M', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...options })
    : spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${result.stderr.slice(-500)}`);
  const rssKiB = timeCommand ? Number(result.stderr.trim().split('\n').at(-1)) : Number.NaN;
  return { ms, rssMiB: rssKiB / 1024, stdout: result.stdout };
}

const baselines = [
  { name: 'jdupes -r -q', command: 'jdupes', args: ['-r', '-q', tree] },
  { name: 'rmlint --without-fiemap', command: 'rmlint', args: ['--without-fiemap', '-o', 'summary:/dev/null', '-o', 'json:/dev/null', tree] },
].filter((baseline) => {
  if (has(baseline.command)) return true;
  console.log(`!!! ${baseline.command} is not installed and could not be: its baseline is NOT measured`);
  return false;
});

// Every tool is timed on a warm page cache (as the issue's figures are): read the whole tree once first, so
// that whichever runs first does not pay for the disk. Its time is printed, not compared.
const warming = spawnSync('sh', ['-c', 'find "$0" -type f -print0 | xargs -0 cat > /dev/null', tree], { stdio: 'ignore' });
console.log(`page cache warmed (find | xargs cat): ${warming.status === 0 ? 'done' : '!!! FAILED: the first timed run may read from disk'}`);

const figures = { ours: [], oursRss: [] };
for (const baseline of baselines) { figures[baseline.name] = []; figures[`${baseline.name} rss`] = []; }
let groups;
for (let run = 1; run <= runs; run++) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fileorg-dupes-data-')); // an empty hash cache
  const ours = measure(process.execPath, [CLI, '--data-dir', dataDir, 'dupes', tree, '--json']);
  fs.rmSync(dataDir, { recursive: true, force: true });
  figures.ours.push(ours.ms);
  figures.oursRss.push(ours.rssMiB);
  groups = JSON.parse(ours.stdout.trim().split('\n').at(-1)).groups;
  for (const baseline of baselines) {
    const measured = measure(baseline.command, baseline.args, { cwd: os.tmpdir() });
    figures[baseline.name].push(measured.ms);
    figures[`${baseline.name} rss`].push(measured.rssMiB);
  }
  console.log(`run ${run}: ours ${ours.ms.toFixed(0)} ms${baselines.map((baseline) => `, ${baseline.command} ${figures[baseline.name].at(-1).toFixed(0)} ms`).join('')}`);
}

// Our groups against the manifest's: the same sets of paths.
const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
const key = (paths) => [...paths].sort().join('\n');
const expected = new Set(manifest.duplicateGroups.map((group) => key(group.paths.map((relative) => path.join(tree, ...relative.split('/'))))));
const found = new Set(groups.map((group) => key(group.files)));
const missing = [...expected].filter((group) => !found.has(group)).length;
const extra = [...found].filter((group) => !expected.has(group)).length;

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
console.log(`\n${files} files, median of ${runs} runs (${os.cpus().length} cores, Node ${process.version}), first run with an empty hash cache each time`);
console.log(`fileorg dupes            ${median(figures.ours).toFixed(0).padStart(7)} ms   peak RSS ${Math.max(...figures.oursRss).toFixed(0)} MiB`);
for (const baseline of baselines) {
  const ratio = median(figures.ours) / median(figures[baseline.name]);
  console.log(`${baseline.name.padEnd(24)} ${median(figures[baseline.name]).toFixed(0).padStart(7)} ms   peak RSS ${Math.max(...figures[`${baseline.name} rss`]).toFixed(0)} MiB   ours/${baseline.command} ${ratio.toFixed(2)}x`);
}
console.log(`groups: ${found.size} found, ${expected.size} in the manifest; ${missing === 0 && extra === 0 ? 'EQUAL to the manifest' : `DIFFERENT: ${missing} missing, ${extra} not in the manifest`}`);
// The cached second run, reported apart (never the headline): one search fills a data folder's cache, the next
// over the unchanged tree is timed.
const cachedDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fileorg-dupes-data-'));
measure(process.execPath, [CLI, '--data-dir', cachedDataDir, 'dupes', tree, '--json']);
const cachedTimes = [];
let cachedResult;
for (let run = 1; run <= runs; run++) {
  const cached = measure(process.execPath, [CLI, '--data-dir', cachedDataDir, 'dupes', tree, '--json']);
  cachedTimes.push(cached.ms);
  cachedResult = JSON.parse(cached.stdout.trim().split('\n').at(-1));
}
fs.rmSync(cachedDataDir, { recursive: true, force: true });
console.log(`cached second run (not the headline): ${median(cachedTimes).toFixed(0)} ms median of ${runs}; ${cachedResult.cache_hits} cache hits, ${cachedResult.hashed_bytes} bytes read, ${cachedResult.groups.length === found.size ? 'same' : 'DIFFERENT'} group count`);
if (!values.keep) fs.rmSync(work, { recursive: true, force: true });
