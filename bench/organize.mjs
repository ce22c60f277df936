#!/usr/bin/env node
// npm run bench:organize [-- --files 1000000 --runs 3 --keep --js-moves]
// Makes a tree with ../shared/bench/make-corpus.mjs, then reports, as the median of N runs:
//   scan       our scanner (worker thread)         vs  find DIR -type f -printf '%s %T@ %D %i %p\n'
//   organize   plan + execute, preset by-type      vs  a plain fs.renameSync loop over the same moves
//   undo       rollback                            vs  the reverse renameSync loop
// and the peak RSS of the process that organized and undid. Times are printed, never asserted.
// --js-moves runs the engine with FILEORG_NATIVE=off: every move on the JavaScript path, no native fast path.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchOptions, benchTree } from './bench-tree.mjs';
import Database from 'better-sqlite3';
import { scanTree } from '../dist/src-main/core/scan/scan-tree.js';
import { createWalkerPool } from '../dist/src-main/core/scan/walker-pool.js';

const values = benchOptions('bench', { 'js-moves': { type: 'boolean', default: false } });
const { files, runs, work } = values;
const { tree } = benchTree(values, { smallFiles: true });
const here = path.dirname(fileURLToPath(import.meta.url));

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const time = async (work) => { const start = performance.now(); const result = await work(); return { ms: performance.now() - start, result }; };

// The app keeps its walker threads between scans; the first scan below also pays for starting them.
const walkers = createWalkerPool();
async function ourScan() {
  const stream = scanTree({ roots: [tree], excludedFolders: [], includeHidden: false, batchSize: 512 }, { walkers });
  let count = 0;
  for await (const batch of stream.batches) count += batch.paths.length;
  await stream.summary;
  return count;
}
function findScan() {
  const result = spawnSync('sh', ['-c', `find "$1" -type f -printf '%s %T@ %D %i %p\\n' > /dev/null`, 'sh', tree]);
  if (result.status !== 0) throw new Error(`find failed: ${result.stderr}`);
}

function listFiles(root) {
  const out = [];
  const walk = (folder) => { for (const entry of fs.readdirSync(folder, { withFileTypes: true })) { const full = path.join(folder, entry.name); entry.isDirectory() ? walk(full) : out.push(full); } };
  walk(root);
  return out.sort();
}
const before = listFiles(tree);

const figures = { scan: [], find: [], organize: [], execute: [], executeFolders: [], renameLoop: [], loopRmdir: [], undo: [], undoFolders: [], reverseLoop: [], rss: [] };
// Scans first, find and ours alternating back to back, so both meet the same caches. (Measured: right after
// ~15 s of idle or of heavy organizing, this VM runs the first two-thread scan up to 1.4x slower than the next.)
let scannedFiles = 0;
for (let run = 1; run <= runs; run++) {
  figures.find.push((await time(findScan)).ms);
  const scanned = await time(ourScan);
  figures.scan.push(scanned.ms);
  scannedFiles = scanned.result;
}
for (let run = 1; run <= runs; run++) {
  // Organize and undo run in a child process: its peak RSS is the engine's alone.
  const dataDir = fs.mkdtempSync(path.join(work, 'data-'));
  const env = { ...process.env, ...(values['js-moves'] ? { FILEORG_NATIVE: 'off' } : {}) };
  const child = spawnSync(process.execPath, [path.join(here, 'organize-child.mjs'), tree, dataDir], { encoding: 'utf8', maxBuffer: 1 << 20, env });
  if (child.status !== 0) throw new Error(`organize child failed: ${child.stderr}`);
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1));
  if (result.undoStatus !== 'rolled_back') throw new Error(`undo ended ${result.undoStatus}`);
  figures.organize.push(result.organizeMs);
  figures.execute.push(result.executeMs);
  figures.undo.push(result.undoMs);
  figures.executeFolders.push(result.executeFoldersMs);
  figures.undoFolders.push(result.undoFoldersMs);
  figures.rss.push(result.peakRssMiB);
  figures.rssByStage = result.rssByStage;
  figures.moves = result.nativeMoves ? 'native fast path' : 'JavaScript path';

  // The baselines: the same moves with nothing but mkdir (once per folder) and renameSync.
  const database = new Database(path.join(dataDir, 'fileorganizer.db'), { readonly: true });
  const moves = database.prepare('SELECT source, destination FROM file_records WHERE operation_id = ? AND destination IS NOT NULL ORDER BY id').all(result.operationId);
  // The folders organize emptied and removed, in the order it removed them (deepest first).
  const emptied = database.prepare("SELECT path FROM folder_records WHERE operation_id = ? AND change = 'removed' ORDER BY id").all(result.operationId).map((folder) => folder.path);
  database.close();
  const made = new Set();
  const createdByLoop = [];
  figures.renameLoop.push((await time(() => {
    for (const move of moves) {
      const folder = path.dirname(move.destination);
      if (!made.has(folder)) { const created = fs.mkdirSync(folder, { recursive: true }); made.add(folder); if (created) createdByLoop.push(created); }
      fs.renameSync(move.source, move.destination);
    }
  })).ms);
  // Not part of the required baseline, but the same folder work organize does: removing what the moves emptied.
  figures.loopRmdir.push((await time(() => { for (const folder of emptied) fs.rmdirSync(folder); })).ms);
  for (const folder of emptied) fs.mkdirSync(folder, { recursive: true });
  figures.reverseLoop.push((await time(() => { for (let index = moves.length - 1; index >= 0; index--) fs.renameSync(moves[index].destination, moves[index].source); })).ms);
  for (const folder of createdByLoop.reverse()) fs.rmSync(folder, { recursive: true }); // empty again after the reverse loop
  fs.rmSync(dataDir, { recursive: true, force: true });
  console.log(`run ${run}: ${scannedFiles} files scanned, ${result.moved} moved and put back`);
}
await walkers.close();
const after = listFiles(tree);
if (after.length !== before.length || after.some((file, index) => file !== before[index])) throw new Error('the tree differs after the runs: undo did not restore it');

const row = (label, ours, baseline, baselineLabel) => {
  const ratio = median(ours) / median(baseline);
  console.log(`${label.padEnd(20)} ${median(ours).toFixed(0).padStart(7)} ms   ${baselineLabel.padEnd(26)} ${median(baseline).toFixed(0).padStart(7)} ms   ratio ${ratio.toFixed(2)}x`);
};
console.log(`\n${files} files, median of ${runs} runs (${os.cpus().length} cores, Node ${process.version}; moves on the ${figures.moves})`);
row('scan', figures.scan, figures.find, 'find -printf');
console.log(`  (first scan, walker threads starting: ${figures.scan[0].toFixed(0)} ms, ${(figures.scan[0] / figures.find[0]).toFixed(2)}x its find)`);
row('plan + execute', figures.organize, figures.renameLoop, 'renameSync loop');
row('  of which execute', figures.execute, figures.renameLoop, 'renameSync loop');
row('undo', figures.undo, figures.reverseLoop, 'reverse renameSync loop');
// The loops only rename; the engine also removes the folders organize emptied and undo puts them back and
// removes the ones organize created (rmdir costs about 0.3 ms here: the disk is mounted with discard).
console.log(`  folder work inside those: execute ${median(figures.executeFolders).toFixed(0)} ms (removing emptied folders), undo ${median(figures.undoFolders).toFixed(0)} ms (removing created folders)`);
const without = (total, part) => total.map((value, index) => value - part[index]);
row('  execute, files only', without(figures.execute, figures.executeFolders), figures.renameLoop, 'renameSync loop');
const plus = (a, b) => a.map((value, index) => value + b[index]);
console.log(`  the same folder work done plainly (rmdirSync of the folders organize emptied, after the loop): ${median(figures.loopRmdir).toFixed(0)} ms`);
row('  execute vs both', figures.execute, plus(figures.renameLoop, figures.loopRmdir), 'renameSync loop + rmdir');
row('  undo, files only', without(figures.undo, figures.undoFolders), figures.reverseLoop, 'reverse renameSync loop');
console.log(`peak RSS of the organize + undo process: ${Math.max(...figures.rss).toFixed(0)} MiB (highest of ${runs} runs)`);
console.log(`  last run, highest RSS sampled by stage: ${Object.entries(figures.rssByStage).map(([stage, mib]) => `${stage} ${mib.toFixed(0)} MiB`).join(', ')}`);
if (!values.keep) fs.rmSync(work, { recursive: true, force: true });
