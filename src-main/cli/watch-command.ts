import fs from 'node:fs';
import path from 'node:path';
import { type WatchBatchEvent, type WatchFolderEvent, type WatchSkippedEvent } from '../../src-shared/api/watch.js';
import { FileOrganizerError, isFileOrganizerError } from '../../src-shared/errors.js';
import { type RuleSet, usableRuleSetSchema } from '../../src-shared/rules.js';
import { watchedFolderView } from '../api/views.js';
import { type AppCore } from '../core/compose.js';
import { type HubEvent } from '../core/events/event-hub.js';
import { loadRuleSetFile } from '../core/rules/load-rule-set.js';
import { describeHolder } from '../core/watch/watcher-lease.js';
import { startWatcher } from '../core/watch/watcher.js';
import { type WatchedFolder } from '../core/watch/watch-types.js';
import { type CommandArguments } from './parse-arguments.js';
import { watcherSettingsFrom } from './watcher-settings.js';

type WatchArguments = Extract<CommandArguments, { command: 'watch' }>;

const line = (value: unknown): void => { process.stdout.write(`${JSON.stringify(value)}\n`); };
const say = (text: string): void => { process.stdout.write(`${text}\n`); };

/** The label the lease shows to whoever else tries to watch this data folder. */
export const WATCH_LABEL = 'fileorg watch';

/** A watched folder as `watch list --json` and the API show it (its state as now), with a type like every line. */
function folderLine(core: AppCore, folder: WatchedFolder) {
  return { type: 'watched-folder', ...watchedFolderView(folder, core.watcherLease.holder() !== undefined) };
}

/** Its rules in words: the preset's name, or the saved rule set's. */
function rulesOf(core: AppCore, folder: WatchedFolder): string {
  if (folder.preset !== null) return folder.preset;
  if (folder.ruleSetId === null) return '(rule set deleted)';
  const saved = core.ruleSets.list(folder.userId, 0, Number.MAX_SAFE_INTEGER).items.find((item) => item.id === folder.ruleSetId);
  return saved ? `rule set "${saved.name}"` : '(rule set deleted)';
}

const destinationOf = (folder: WatchedFolder): string => folder.destination ?? '(inside the folder)';

/** Who watches this data folder now, in a sentence for after a change. */
function whoWatches(core: AppCore): string {
  const holder = core.watcherLease.holder();
  return holder
    ? `${describeHolder(holder)} watches this data folder: it takes the change within seconds`
    : 'nothing watches this data folder now: run fileorg watch (or fileorg serve, or open the app)';
}

/**
 * A rules file saved as one of the user's rule sets, so the folder keeps its rules when the file changes or goes:
 * named by the rule set's own name, else the file's. An identical set saved before (same name, or the name with
 * " (2)"…) is used again; a name taken by other rules gets the first free " (N)".
 */
function saveRuleSet(core: AppCore, owner: string, file: string, ruleSet: RuleSet): { id: string; name: string; reused: boolean } {
  const base = (ruleSet.name?.trim() || path.basename(file, path.extname(file)) || 'rules').slice(0, 190);
  const canonical = (rules: RuleSet['rules']): string => JSON.stringify(usableRuleSetSchema.parse({ rules }).rules);
  const wanted = canonical(ruleSet.rules);
  const saved = core.ruleSets.list(owner, 0, Number.MAX_SAFE_INTEGER).items;
  const numbered = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+\\)$`);
  const identical = saved.find((item) => (item.name === base || numbered.test(item.name)) && canonical(item.rules) === wanted);
  if (identical) return { id: identical.id, name: identical.name, reused: true };
  const names = new Set(saved.map((item) => item.name));
  let name = base;
  for (let number = 2; names.has(name); number++) name = `${base} (${number})`;
  const created = core.ruleSets.create(owner, name, ruleSet.rules);
  return { id: created.id, name: created.name, reused: false };
}

/** A folder by id (or its first characters) or by path; a folder name typed bare ("Downloads") is looked for here. */
function findFolder(core: AppCore, owner: string, word: string): WatchedFolder {
  try {
    return core.watchedFolders.find(owner, word);
  } catch (error) {
    const resolved = path.resolve(word);
    if (isFileOrganizerError(error) && error.code === 'E_NOT_FOUND' && resolved !== word && fs.statSync(resolved, { throwIfNoEntry: false })?.isDirectory()) {
      return core.watchedFolders.find(owner, resolved);
    }
    throw error;
  }
}

const clockTime = (): string => new Date().toTimeString().slice(0, 8);

/** Why --once left a file for the next pass, in words. */
const HELD_WORDS: Record<string, string> = {
  'settling': 'still being written',
  'open-for-writing': 'a program has it open for writing',
  'partial-sibling': 'a download in progress or an open document beside it',
  'young-empty': 'empty and new: a download may still fill it',
};

/** One watcher event as one line: its payload as is with --json, a sentence otherwise. */
function printEvent(event: HubEvent, json: boolean): void {
  if (event.name !== 'watch:batch' && event.name !== 'watch:skipped' && event.name !== 'watch:folder') return;
  if (json) { line(event.data); return; }
  say(`${clockTime()} ${describeEvent(event.data)}`);
}

function describeEvent(data: WatchBatchEvent | WatchSkippedEvent | WatchFolderEvent): string {
  switch (data.type) {
    case 'watch-batch': {
      const trigger = data.trigger === 'arrivals' ? '' : data.trigger === 'catch-up' ? ' (what was there)' : ' (time rules re-checked)';
      const others = [data.skipped > 0 ? `${data.skipped} skipped` : '', data.failed > 0 ? `${data.failed} failed` : ''].filter(Boolean).join(', ');
      return `${data.path}: ${data.moved} ${data.moved === 1 ? 'file' : 'files'} organized${trigger}${others ? `, ${others}` : ''}, ${data.status}; `
        + `${data.skipped + data.failed > 0 ? `why: fileorg show ${data.operation_id}; ` : ''}undo: fileorg undo ${data.operation_id}`;
    }
    case 'watch-skipped':
      return `left ${data.path} where it is: ${data.reason}${data.detail ? ` (${data.detail})` : ''}`;
    case 'watch-folder':
      return `${data.path}: ${data.state}${data.detail ? ` (${data.detail})` : ''}`;
    default:
      return data satisfies never;
  }
}

/**
 * `fileorg watch` and `fileorg watch --once`: this process takes the data folder's watcher lease (or exits 2
 * naming who has it) and organizes every user's watched folders, printing each batch, skip and folder change.
 */
async function runWatcher(core: AppCore, args: WatchArguments, signal: AbortSignal): Promise<number> {
  const folders = core.watchedFolders.all();
  if (folders.length === 0) throw new FileOrganizerError('E_USAGE', 'nothing to watch: add a folder with fileorg watch add DIR');
  const enabled = folders.filter((folder) => folder.enabled);
  if (enabled.length === 0) throw new FileOrganizerError('E_USAGE', 'nothing to watch: every watched folder is paused; resume one with fileorg watch resume DIR|ID (fileorg watch list shows them)');
  // Events that come before the first lines are printed (a catch-up batch) wait for them.
  let pending: HubEvent[] | undefined = [];
  let held: Array<{ path: string; reason: string }> = [];
  let batches = 0;
  let moved = 0;
  let failedBatches = 0;
  const stopObserving = core.events.observe((_userId, event) => {
    if (event.name === 'watch:batch') {
      batches++;
      moved += event.data.moved;
      if (event.data.failed > 0) failedBatches++;
    }
    if (pending) pending.push(event);
    else printEvent(event, args.json);
  });
  const log = (message: string): void => { process.stderr.write(`fileorg watch: ${message}\n`); };
  try {
    // Its start plans every enabled folder whole (the catch-up pass); --once makes that pass itself (watcher.once).
    const watcher = await startWatcher(core, { label: WATCH_LABEL, wait: false, catchUp: !args.once, settings: watcherSettingsFrom(process.env), log, logEvents: false });
    try {
      if (args.json) line({ type: 'watching', pid: process.pid, once: args.once, folders: enabled.map((folder) => watchedFolderView(folder, true)) });
      else {
        say(`${args.once ? 'Organizing' : 'Watching'} ${enabled.length} ${enabled.length === 1 ? 'folder' : 'folders'}${folders.length > enabled.length ? ` (${folders.length - enabled.length} paused)` : ''}:`);
        for (const folder of enabled) say(`  ${folder.path}  ${rulesOf(core, folder)} -> ${destinationOf(folder)}${folder.depth > 0 ? `, ${folder.depth} deep` : ''}`);
        if (!args.once) say('Files are moved once they have settled, each batch one operation you can undo. Ctrl-C (or SIGTERM) stops.');
      }
      for (const event of pending ?? []) printEvent(event, args.json);
      pending = undefined;
      // Not idle(): a file that keeps changing would keep --once from ever exiting. What is still arriving is told, and left.
      if (args.once) {
        // Ctrl-C stops the pass after the batch's page in flight (it ends interrupted; the next start settles it).
        const stopOnAbort = (): void => { void watcher.stop(); };
        signal.addEventListener('abort', stopOnAbort, { once: true });
        held = (await watcher.once()).held;
        signal.removeEventListener('abort', stopOnAbort);
      } else {
        await new Promise<void>((resolve) => {
          if (signal.aborted) { resolve(); return; }
          signal.addEventListener('abort', () => resolve(), { once: true });
          process.once('SIGTERM', () => {
            if (!args.json) process.stderr.write('fileorg watch: stopping after the batch in flight\n');
            resolve();
          });
        });
      }
    } finally {
      await watcher.stop();
    }
  } finally {
    stopObserving();
  }
  for (const file of held) {
    if (args.json) line({ type: 'held', path: file.path, reason: file.reason });
    else say(`left for the next pass: ${file.path} (${HELD_WORDS[file.reason] ?? file.reason})`);
  }
  if (args.json) line({ type: 'result', batches, moved, failed_batches: failedBatches });
  else say(`${args.once ? 'Done' : 'Stopped'}: ${batches} ${batches === 1 ? 'batch' : 'batches'}, ${moved} ${moved === 1 ? 'file' : 'files'} organized${failedBatches > 0 ? `, ${failedBatches} with failures` : ''}. See them with: fileorg history --kind watch`);
  return failedBatches > 0 ? 1 : 0;
}

function add(core: AppCore, args: WatchArguments, owner: string): void {
  const folder = args.folder ?? '';
  // Read before anything is saved: a bad rules file leaves no watched folder and no rule set behind.
  const ruleSet = args.rules === undefined ? undefined : loadRuleSetFile(args.rules);
  // One transaction: a folder refused (a file, overlapping, not allowed) keeps no rule set saved for it.
  const { added, saved } = core.database.sqlite.transaction(() => {
    const savedSet = ruleSet && args.rules !== undefined ? saveRuleSet(core, owner, args.rules, ruleSet) : undefined;
    const folderAdded = core.watchedFolders.add(owner, {
      path: folder, ...(savedSet ? { ruleSetId: savedSet.id } : { preset: args.preset ?? 'by-type' }),
      destination: args.dest ?? null, conflict: args.conflict, depth: args.depth,
    });
    return { added: folderAdded, saved: savedSet };
  }).immediate();
  if (args.json) { line(folderLine(core, added)); return; }
  say(`Watching ${added.path} (id ${added.id.slice(0, 8)})`);
  say(`  rules: ${saved ? `rule set "${saved.name}"${saved.reused ? ' (already saved)' : ` (saved from ${args.rules})`}` : added.preset}`);
  say(`  destination: ${added.destination ?? 'category folders inside it'}; name conflicts: ${added.conflict}; depth: ${added.depth === 0 ? '0 (the folder alone)' : added.depth}`);
  say(`What is there now is organized first, then each file that lands once it settles. ${whoWatches(core)}.`);
}

/** `watch set`: what was given replaces the folder's; a rules file is saved (or an identical set reused) as for add. */
function set(core: AppCore, args: WatchArguments, owner: string): void {
  const folder = findFolder(core, owner, args.folder ?? '');
  const ruleSet = args.rules === undefined ? undefined : loadRuleSetFile(args.rules);
  const changed = core.database.sqlite.transaction(() => {
    const savedSet = ruleSet && args.rules !== undefined ? saveRuleSet(core, owner, args.rules, ruleSet) : undefined;
    return core.watchedFolders.update(owner, folder.id, {
      ...(savedSet ? { ruleSetId: savedSet.id } : args.preset ? { preset: args.preset } : {}),
      ...(args.dest !== undefined ? { destination: args.dest } : {}),
      ...(args.conflictGiven ? { conflict: args.conflict } : {}),
      ...(args.depthGiven ? { depth: args.depth } : {}),
    });
  }).immediate();
  if (args.json) { line(folderLine(core, changed)); return; }
  say(`Changed ${changed.path} (id ${changed.id.slice(0, 8)})`);
  say(`  rules: ${rulesOf(core, changed)}; destination: ${destinationOf(changed)}; name conflicts: ${changed.conflict}; depth: ${changed.depth}`);
  say(`What is there is organized by these settings now. ${whoWatches(core)}.`);
}

function list(core: AppCore, args: WatchArguments, owner: string): void {
  const folders = core.watchedFolders.list(owner, 0, Number.MAX_SAFE_INTEGER).items;
  if (args.json) { for (const folder of folders) line(folderLine(core, folder)); return; }
  if (folders.length === 0) { say('No watched folders yet; add one with: fileorg watch add ~/Downloads'); return; }
  const watched = core.watcherLease.holder() !== undefined;
  const rows = folders.map((folder) => {
    const view = watchedFolderView(folder, watched);
    return { cells: [folder.id.slice(0, 8), folder.path, rulesOf(core, folder), destinationOf(folder), String(folder.depth), view.state], view };
  });
  const header = ['ID', 'FOLDER', 'RULES', 'DESTINATION', 'DEPTH', 'STATE'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row.cells[column] as string).length)));
  const format = (cells: readonly string[]): string => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] as number))).join('  ');
  say(format(header));
  for (const row of rows) say(format(row.cells));
  // What to do about a folder not being watched, once per distinct detail (not-watched is the same for all).
  const details = new Set(rows.filter((row) => row.view.state_detail !== null && row.view.state !== 'paused')
    .map((row) => (row.view.state === 'not-watched' ? row.view.state_detail as string : `${row.view.path}: ${row.view.state_detail}`)));
  for (const detail of details) say(detail);
}

function change(core: AppCore, args: WatchArguments, owner: string): void {
  const folder = findFolder(core, owner, args.folder ?? '');
  if (args.action === 'remove') {
    core.watchedFolders.remove(owner, folder.id);
    if (args.json) line({ type: 'removed', id: folder.id, path: folder.path });
    else say(`Stopped watching ${folder.path} (id ${folder.id.slice(0, 8)}). Files it organized stay where they are; undo a batch with fileorg undo ID (fileorg history --kind watch).`);
    return;
  }
  const enabled = args.action === 'resume';
  const changed = core.watchedFolders.update(owner, folder.id, { enabled });
  if (args.json) { line(folderLine(core, changed)); return; }
  if (!enabled) say(`Paused ${changed.path} (id ${changed.id.slice(0, 8)}): files that land there stay until you resume it (fileorg watch resume ${changed.id.slice(0, 8)}).`);
  else say(`Resumed ${changed.path} (id ${changed.id.slice(0, 8)}): what landed meanwhile is organized first. ${whoWatches(core)}.`);
}

/** `fileorg watch …`: run the watcher, or manage the profile's watched folders. */
export async function runWatch(core: AppCore, args: WatchArguments, owner: string, signal: AbortSignal): Promise<number> {
  switch (args.action) {
    case 'run': return runWatcher(core, args, signal);
    case 'add': add(core, args, owner); return 0;
    case 'set': set(core, args, owner); return 0;
    case 'list': list(core, args, owner); return 0;
    case 'remove': case 'pause': case 'resume': change(core, args, owner); return 0;
    default: return args.action satisfies never;
  }
}
