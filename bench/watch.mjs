#!/usr/bin/env node
// npm run bench:watch [-- --files 10000 --runs 3 --folders 100 --files-per-folder 5 --idle-seconds 60 --keep]
// The watcher (src-main/core/watch, built in dist/) in a child process of its own (bench/watch-child.mjs), with
// its default settings, on files from ../shared/bench/make-corpus.mjs (about 4 KiB each on average, many types):
//   arrivals  N files written at full speed by this process, flat, into an empty watched folder (by-type, category
//             folders inside it): the time from the last file settling (its last write + the settle threshold,
//             when chokidar could first call it settled) to the last one organized (every file in its category
//             folder, every batch's operation ended), the batches and files moved; against the baseline measured
//             in the same run: one plain organize (core.operations.organize, by-type) of the same N files in a
//             fresh folder, in the same kind of child. Median of --runs runs.
//   idle      --folders watched folders of --files-per-folder files each (organized by the start pass), then the
//             watcher's CPU (process.cpuUsage, user + system, per minute) and RSS over --idle-seconds of nothing
//             happening; against the same child with the core opened and no watcher (the baseline), and, to
//             tell the watcher's own memory from the engine's, the core after organizing the same folders itself.
// A child that still has an fs.watch open after the watcher stopped and the core closed is said (!!!).
// Times are printed, never asserted.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { benchOptions, benchTree } from './bench-tree.mjs';

const values = benchOptions('watch', {
  files: { type: 'string', default: '10000' },
  folders: { type: 'string', default: '100' },
  'files-per-folder': { type: 'string', default: '5' },
  'idle-seconds': { type: 'string', default: '60' },
});
const { files, runs, work, keep } = values;
const folderCount = Number(values.folders);
const perFolder = Number(values['files-per-folder']);
const idleSeconds = Number(values['idle-seconds']);
const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(here, 'watch-child.mjs');
const now = () => performance.timeOrigin + performance.now();
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const fmt = (ms) => `${ms.toFixed(0).padStart(6)} ms`;

// The corpus: a nested tree; a watched Downloads is flat, so its files arrive side by side, numbered so that
// names never clash (the corpus repeats names across its folders).
const { tree } = benchTree(values, { maxBytes: Math.max(files, folderCount * perFolder) * 4096 });
function listTree(root) {
  const out = [];
  const walk = (folder) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full); else out.push(full);
    }
  };
  walk(root);
  return out;
}
const corpus = listTree(tree);
// Read once: the arrivals are then writes alone, as fast as this process can make them.
const contents = corpus.slice(0, files).map((file, index) => ({ name: `${String(index).padStart(6, '0')} ${path.basename(file)}`, bytes: fs.readFileSync(file) }));
if (contents.length < files) throw new Error(`the corpus has ${corpus.length} files, fewer than ${files}`);
const totalBytes = contents.reduce((sum, file) => sum + file.bytes.length, 0);
const extensions = new Set(contents.map((file) => path.extname(file.name).toLowerCase()));

const fresh = (prefix) => fs.mkdtempSync(path.join(work, prefix));
function writeAll(folder) {
  const started = now();
  for (const file of contents) fs.writeFileSync(path.join(folder, file.name), file.bytes);
  return { started, ended: now() };
}

/** Children that still had fs.watch handles open after the watcher stopped and the core closed. */
const leaks = [];

/** The child in `args`, its JSON lines handed to `onLine` as they come; resolves with them all once it exits 0. */
function child(args, onLine = () => {}) {
  const process_ = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  process_.stderr.setEncoding('utf8').on('data', (chunk) => { errors += chunk; });
  const lines = [];
  readline.createInterface({ input: process_.stdout }).on('line', (text) => {
    const line = JSON.parse(text);
    lines.push(line);
    onLine(line);
  });
  return new Promise((resolve, reject) => {
    process_.on('close', (code) => {
      const leaked = lines.find((line) => line.type === 'exit')?.leakedWatches ?? 0;
      if (leaked > 0) { leaks.push(`${args[0]}: ${leaked}`); }
      return code === 0 ? resolve({ lines, errors }) : reject(new Error(`watch-child ${args[0]} exited ${code}: ${errors.slice(-2000)}`));
    });
  });
}

/** Files directly in `folder`, and those one folder down (the category folders by-type makes inside it). */
function whereTheyAre(folder) {
  let loose = 0;
  let sorted = 0;
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    if (entry.isFile()) loose++;
    else if (entry.isDirectory()) sorted += fs.readdirSync(path.join(folder, entry.name)).length;
  }
  return { loose, sorted };
}

console.log(`${files} files of ${extensions.size} extensions, ${(totalBytes / 1048576).toFixed(1)} MiB (corpus ${tree}); ${os.cpus().length} cores, Node ${process.version}`);

// ---- 1. arrivals ----
const figures = { organize: [], latency: [], total: [], writing: [], batches: [], settledAt: [], cpu: [], rss: [], organizeRss: [] };
let settings;
for (let run = 1; run <= runs; run++) {
  // The baseline: a plain organize of the same files, laid out the same way, in a fresh folder and data folder.
  const plain = fresh('plain-');
  writeAll(plain);
  const organized = (await child(['organize', fresh('data-'), plain])).lines.find((line) => line.type === 'organized');
  if (organized.status !== 'completed') throw new Error(`the plain organize ended ${organized.status}`);
  const expected = organized.moved;
  figures.organize.push(organized.ms);
  figures.organizeRss.push(organized.peakRssMiB);

  const watched = fresh('watched-');
  let wrote;
  const arrivals = child(['arrivals', fresh('data-'), watched, String(expected)], (line) => {
    if (line.type !== 'ready') return;
    settings = line.settings;
    wrote = writeAll(watched);
  });
  const done = (await arrivals).lines.find((line) => line.type === 'done');
  if (done.moved !== expected) throw new Error(`the watcher moved ${done.moved} files, the plain organize ${expected}: ${JSON.stringify(done.batches)}`);
  const placed = whereTheyAre(watched);
  const plainPlaced = whereTheyAre(plain);
  if (placed.sorted !== expected || placed.loose !== plainPlaced.loose) throw new Error(`after the watcher: ${placed.sorted} files sorted, ${placed.loose} left (the plain organize: ${plainPlaced.sorted}, ${plainPlaced.loose})`);
  const settledAt = wrote.ended + settings.settleMs;
  figures.latency.push(done.at - settledAt);
  figures.total.push(done.at - wrote.started);
  figures.writing.push(wrote.ended - wrote.started);
  figures.batches.push(done.batches);
  figures.settledAt.push(settledAt);
  figures.cpu.push(done.cpuMs);
  figures.rss.push(done.peakRssMiB);
  console.log(`run ${run}: wrote ${files} files in ${(wrote.ended - wrote.started).toFixed(0)} ms; watcher: ${done.batches.length} batches, ${done.moved} moved, `
    + `last organized ${(done.at - settledAt).toFixed(0)} ms after the last file settled; plain organize ${organized.ms.toFixed(0)} ms (${expected} moved)`);
  if (!keep) { fs.rmSync(plain, { recursive: true, force: true }); fs.rmSync(watched, { recursive: true, force: true }); }
}

// ---- 2. idle ----
/** --folders folders of --files-per-folder files each, from the corpus. */
function idleTree() {
  const root = fresh('idle-');
  corpus.slice(0, folderCount * perFolder).forEach((file, index) => {
    const folder = path.join(root, `folder-${String(Math.floor(index / perFolder)).padStart(3, '0')}`);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, path.basename(file)), fs.readFileSync(file));
  });
  return root;
}
const idleRoot = idleTree();
const idleData = fresh('data-');
console.log(`\nidle: ${folderCount} watched folders, ${perFolder} files each; ${idleSeconds} s with the watcher, then ${idleSeconds} s with the core alone, then ${idleSeconds} s with the core after organizing the same folders itself ...`);
const watching = (await child(['idle', idleData, idleRoot, String(idleSeconds)])).lines.find((line) => line.type === 'idle');
const organizedIdle = fs.readdirSync(idleRoot).reduce((sum, name) => sum + whereTheyAre(path.join(idleRoot, name)).sorted, 0);
const coreAlone = (await child(['core', idleData, idleRoot, String(idleSeconds)])).lines.find((line) => line.type === 'idle');
// The engine warmed as the watcher's start pass warms it (its threads started), on a fresh copy of the folders.
const engineWarm = (await child(['engine', fresh('data-'), idleTree(), String(idleSeconds)])).lines.find((line) => line.type === 'idle');

// ---- the figures ----
const lastRun = figures.batches.at(-1);
const perMinute = (result) => (result.cpuMs / result.windowMs) * 60_000;
console.log(`\nwatcher settings: settle ${settings.settleMs} ms (polled every ${settings.pollMs} ms), a batch closes after ${settings.quietMs} ms quiet, `
  + `at ${settings.maxBatchFiles} files or ${settings.maxBatchWaitMs} ms after its first`);
console.log(`arrivals: ${files} files written flat at full speed, median of ${runs} run${runs === 1 ? '' : 's'}`);
console.log(`  writing them (this process)               ${fmt(median(figures.writing))}`);
console.log(`  last settled -> last organized            ${fmt(median(figures.latency))}   plain organize of the same files ${fmt(median(figures.organize))}   ratio ${(median(figures.latency) / median(figures.organize)).toFixed(2)}x`);
console.log(`  first write -> last organized             ${fmt(median(figures.total))}   (writing + settle ${settings.settleMs} ms + the rest)`);
console.log(`  batches ${figures.batches.map((batches) => batches.length).join(', ')}; last run's: ${lastRun.map((batch) => `${batch.moved} files (${batch.trigger}, ${batch.status}) ended ${(batch.at - figures.settledAt.at(-1)).toFixed(0)} ms after the last file settled`).join('; ')}`);
console.log(`  watcher process from ready to done: CPU ${median(figures.cpu).toFixed(0)} ms, peak RSS ${Math.max(...figures.rss).toFixed(0)} MiB (the plain organize's process: ${Math.max(...figures.organizeRss).toFixed(0)} MiB)`);
console.log(`idle: ${watching.folders} watched folders, start pass ${watching.startPass.ms.toFixed(0)} ms (${watching.startPass.batches} batches, ${watching.startPass.moved} moved; ${organizedIdle} files in category folders), then ${(watching.windowMs / 1000).toFixed(0)} s`);
const idleRow = (label, result) => console.log(`  ${label.padEnd(40)} CPU ${perMinute(result).toFixed(1).padStart(7)} ms/min   RSS ${result.rssMiB.last.toFixed(0)} MiB (max ${result.rssMiB.max.toFixed(0)}, heap ${result.heapUsedMiB.toFixed(0)})`);
idleRow('watcher', watching);
idleRow('core alone (the baseline)', coreAlone);
idleRow(`core after organizing them (${engineWarm.startPass.moved} moved)`, engineWarm);
const extra = (baseline) => `${(perMinute(watching) - perMinute(baseline)).toFixed(1)} ms of CPU a minute (${((perMinute(watching) - perMinute(baseline)) / 600).toFixed(3)} % of one core) and ${(watching.rssMiB.last - baseline.rssMiB.last).toFixed(0)} MiB`;
console.log(`  the watcher adds ${extra(coreAlone)} over the core alone; ${extra(engineWarm)} over the core that organized the same folders`);
if (leaks.length > 0) {
  console.log(`!!! fs.watch handles left open after the watcher stopped and the core closed (${leaks.join(', ')}): such a process would not have exited on its own`);
}
if (!keep) fs.rmSync(work, { recursive: true, force: true });
