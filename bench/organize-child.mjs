#!/usr/bin/env node
// One organize (preset by-type, in place) and its undo, in a process of their own, so that the peak RSS
// printed is the engine's and not the benchmark's. Prints one JSON line.
import { openAppCore } from '../dist/src-main/core/compose.js';
import { presetRuleSet } from '../dist/src-main/core/rules/load-rule-set.js';
import { nativeMovesAvailable } from '../dist/src-worker/native-moves.js';

const [tree, dataDir] = process.argv.slice(2);
const core = openAppCore({ dataDir });
let plannedAt = 0;
// The engine's last progress event of a stage comes when its files are all handled, before the folder work
// (removing emptied folders after organize, removing created ones after undo): the bench shows both parts.
const lastEvent = {};
let stage = 'plan';
const onProgress = (event) => { lastEvent[event.stage] = performance.now(); stage = event.stage; };
// Resident memory sampled by stage, to show where a peak comes from.
const rssByStage = {};
setInterval(() => { rssByStage[stage] = Math.max(rssByStage[stage] ?? 0, process.memoryUsage.rss() / 1048576); }, 50).unref();
const started = performance.now();
const organized = await core.operations.organize(
  { roots: [tree], destination: null, conflict: 'rename', includeHidden: false, sniffAll: false, preset: 'by-type', ruleSet: presetRuleSet('by-type') },
  { dryRun: false },
  { onPlanned: () => { plannedAt = performance.now(); }, onProgress },
);
const organizeMs = performance.now() - started;
const executeMs = performance.now() - plannedAt;
const organizeRssMiB = process.resourceUsage().maxRSS / 1024;
const undoStarted = performance.now();
stage = 'undo';
const undone = await core.operations.undo(organized.operation_id, { onProgress });
const undoMs = performance.now() - undoStarted;

await core.close();
process.stdout.write(`${JSON.stringify({
  operationId: organized.operation_id, nativeMoves: nativeMovesAvailable(), status: organized.status, undoStatus: undone.status, moved: organized.moved,
  rssByStage, organizeMs, executeMs, undoMs, executeFoldersMs: started + organizeMs - lastEvent.execute, undoFoldersMs: undoStarted + undoMs - lastEvent.rollback, organizeRssMiB, peakRssMiB: process.resourceUsage().maxRSS / 1024,
})}\n`);
