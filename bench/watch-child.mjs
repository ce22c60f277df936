#!/usr/bin/env node
// The process bench/watch.mjs measures, on the built code (dist/), speaking JSON lines on stdout:
//   organize DATA_DIR FOLDER          the baseline of the arrivals: one plain organize (by-type, in place) of FOLDER
//   arrivals DATA_DIR FOLDER MOVED    watch FOLDER (empty) with the default settings; says `ready`, then `done` once
//                                     its batches have moved MOVED files (the time of the batch that did it)
//   idle DATA_DIR ROOT SECONDS        watch every folder in ROOT (their files organized by the start pass), then
//                                     CPU and RSS over SECONDS of watching nothing happen
//   core DATA_DIR ROOT SECONDS        the baseline of idle: the same process with the core opened, no watcher
//   engine DATA_DIR ROOT SECONDS      the same, after organizing every folder in ROOT once itself (no watcher): the
//                                     engine's threads and caches started as the watcher's start pass starts them
// Times are absolute (performance.timeOrigin + now, ms), so the parent can compare them with its own writes.
import fs from 'node:fs';
import path from 'node:path';
import { openAppCore } from '../dist/src-main/core/compose.js';
import { presetRuleSet } from '../dist/src-main/core/rules/load-rule-set.js';
import { DEFAULT_WATCHER_SETTINGS } from '../dist/src-main/core/watch/watch-types.js';

const [mode, dataDir, target, third] = process.argv.slice(2);
const now = () => performance.timeOrigin + performance.now();
const say = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
const log = (message) => process.stderr.write(`watcher: ${message}\n`);
const cpuMs = (usage) => (usage.user + usage.system) / 1000;

const core = openAppCore({ dataDir });
// Loaded only where a watcher runs: the baselines measure the core without it.
const startWatcher = async (...args) => (await import('../dist/src-main/core/watch/watcher.js')).startWatcher(...args);

if (mode === 'organize') {
  const started = now();
  const result = await core.operations.organize(
    { roots: [target], destination: null, conflict: 'rename', includeHidden: false, sniffAll: false, preset: 'by-type', ruleSet: presetRuleSet('by-type') },
    { dryRun: false },
  );
  say({ type: 'organized', ms: now() - started, status: result.status, moved: result.moved, skipped: result.skipped, failed: result.failed, peakRssMiB: process.resourceUsage().maxRSS / 1024 });
} else if (mode === 'arrivals') {
  const expected = Number(third);
  core.watchedFolders.add('local', { path: target });
  const batches = [];
  let moved = 0;
  let handled = 0;
  let finish;
  const finished = new Promise((resolve) => { finish = resolve; });
  let cpuAtReady;
  const stopObserving = core.events.observe((_userId, event) => {
    if (event.name !== 'watch:batch') return;
    // Published once the batch's operation has ended (completed, or with failures): its files are in place.
    const { data } = event;
    batches.push({ at: now(), trigger: data.trigger, status: data.status, moved: data.moved, skipped: data.skipped, failed: data.failed });
    moved += data.moved;
    handled += data.moved + data.skipped + data.failed;
    if (moved >= expected || handled >= expected) finish();
  });
  const watcher = await startWatcher(core, { label: 'bench:watch', wait: false, catchUp: true, settings: DEFAULT_WATCHER_SETTINGS, log });
  await watcher.catchUp();
  await watcher.idle();
  cpuAtReady = process.cpuUsage();
  say({ type: 'ready', settings: DEFAULT_WATCHER_SETTINGS });
  const limit = setTimeout(() => finish(), 10 * 60 * 1000);
  await finished;
  clearTimeout(limit);
  const doneAt = now();
  const cpu = cpuMs(process.cpuUsage(cpuAtReady));
  say({ type: 'done', at: doneAt, moved, handled, batches, cpuMs: cpu, peakRssMiB: process.resourceUsage().maxRSS / 1024 });
  stopObserving();
  await watcher.stop();
} else if (mode === 'idle' || mode === 'core' || mode === 'engine') {
  const seconds = Number(third);
  const folders = fs.readdirSync(target).sort().map((name) => path.join(target, name));
  let watcher;
  let startPass = { ms: 0, batches: 0, moved: 0 };
  if (mode === 'idle') {
    for (const folder of folders) core.watchedFolders.add('local', { path: folder });
    const stopObserving = core.events.observe((_userId, event) => {
      if (event.name === 'watch:batch') { startPass.batches++; startPass.moved += event.data.moved; }
    });
    const started = now();
    watcher = await startWatcher(core, { label: 'bench:watch', wait: false, catchUp: true, settings: DEFAULT_WATCHER_SETTINGS, log });
    await watcher.catchUp();
    await watcher.idle();
    startPass.ms = now() - started;
    stopObserving();
  }
  if (mode === 'engine') {
    const started = now();
    for (const folder of folders) {
      const result = await core.operations.organize(
        { roots: [folder], destination: null, conflict: 'rename', includeHidden: false, sniffAll: false, preset: 'by-type', ruleSet: presetRuleSet('by-type') },
        { dryRun: false },
      );
      startPass.batches++;
      startPass.moved += result.moved;
    }
    startPass.ms = now() - started;
  }
  // The start pass's own aftermath (the folders it made, its moves seen by chokidar) settles before the window.
  await sleep(DEFAULT_WATCHER_SETTINGS.settleMs + DEFAULT_WATCHER_SETTINGS.quietMs);
  const rssSamples = [];
  const sample = () => rssSamples.push(process.memoryUsage.rss() / 1048576);
  sample();
  const sampler = setInterval(sample, 1000);
  const cpuStart = process.cpuUsage();
  const started = now();
  await sleep(seconds * 1000);
  const cpu = cpuMs(process.cpuUsage(cpuStart));
  const windowMs = now() - started;
  clearInterval(sampler);
  sample();
  say({
    type: 'idle', mode, folders: folders.length, startPass, windowMs, cpuMs: cpu,
    rssMiB: { first: rssSamples[0], last: rssSamples.at(-1), max: Math.max(...rssSamples), mean: rssSamples.reduce((a, b) => a + b, 0) / rssSamples.length },
    heapUsedMiB: process.memoryUsage().heapUsed / 1048576,
  });
  await watcher?.stop();
} else {
  throw new Error(`unknown mode ${mode}`);
}
await core.close();
// fs.watch handles still open once the watcher stopped and the core closed: chokidar 5.0.0 drops the closer of a
// folder whose watch it was still adding when close() came (paulmillr/chokidar#1482; the category folders a batch
// makes are such folders), which keeps a process alive. Said, then this process ends anyway.
await sleep(500); // an add in flight when close() came ends meanwhile
const leaked = process.getActiveResourcesInfo().filter((resource) => resource === 'FSEventWrap').length;
say({ type: 'exit', leakedWatches: leaked });
process.exit(0);
