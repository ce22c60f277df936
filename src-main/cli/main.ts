import { describeError, FileOrganizerError, isFileOrganizerError } from '../../src-shared/errors.js';
import { type DuplicateProgress } from '../../src-shared/duplicates.js';
import { type OperationProgress } from '../../src-shared/progress.js';
import { openAppCore } from '../core/compose.js';
import { resolveDataDir } from '../core/data-dir.js';
import { dataFolderError } from '../core/db/data-folder-error.js';
import { type FileOutcome } from '../core/ops/file-outcomes.js';
import { loadRuleSetFile, presetRuleSet } from '../core/rules/load-rule-set.js';
import { parseArguments, USAGE, type CommandArguments } from './parse-arguments.js';
import { createProgressBar } from './progress-bar.js';
import { createOutcomeSummary } from './outcome-summary.js';
import { printDedupe, printDuplicates, printFileOutcomes, printHistory, printPlanRows, printQuarantine, printQuarantineEmptied, printResult, printShow, printScan } from './print.js';

/**
 * Exit codes: 0 done; 1 finished with failures or rollback conflicts; 2 bad usage, bad input, unknown id or not
 * allowed (nothing was touched);
 * 3 the data folder cannot be used (read-only, damaged, its disk full): the message names it and what to do.
 */
const EXIT_DONE = 0;
const EXIT_PARTIAL = 1;
const EXIT_BAD_INPUT = 2;
const EXIT_DATA_FOLDER = 3;
/** Stopped with Ctrl-C: the conventional 128 + SIGINT. */
const EXIT_STOPPED = 130;

/** Nothing was touched: the request itself was wrong (or not allowed, or named what does not exist). */
const BAD_INPUT_CODES = new Set([
  'E_USAGE', 'E_BAD_PATH', 'E_BAD_RULES', 'E_UNKNOWN_OPERATION', 'E_AMBIGUOUS_OPERATION', 'E_INVALID_STATE', 'E_BUSY',
  'E_FORBIDDEN', 'E_VALIDATION', 'E_NOT_FOUND', 'E_CONFLICT',
]);

function writeLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Set once this process has run the watcher (fileorg watch, fileorg serve): see the end of this file. */
let ranWatcher = false;

async function run(args: CommandArguments, dataDir: string): Promise<number> {
  if ((args.command === 'watch' && args.action === 'run') || (args.command === 'serve' && args.watch)) ranWatcher = true;
  // Test and scripting knobs: progress more often than every 100 files, and smaller journal pages.
  const progressEveryFiles = Number(process.env.FILEORG_PROGRESS_EVERY) || undefined;
  const pageSize = Number(process.env.FILEORG_PAGE_SIZE) || undefined;
  // For tests only: wait this long before each journal page, so a run lasts long enough to be cancelled mid-way.
  const pageDelayMs = Number(process.env.FILEORG_TEST_PAGE_DELAY_MS) || undefined;
  // `serve`: failed logins one address may make across all accounts in 15 minutes (default 50).
  const loginFailuresPerSource = Number(process.env.FILEORG_LOGIN_FAILURES_PER_SOURCE) || undefined;
  const core = openAppCore({
    dataDir, ...(progressEveryFiles ? { progressEveryFiles } : {}), ...(pageSize ? { pageSize } : {}), ...(pageDelayMs ? { pageDelayMs } : {}),
    ...(loginFailuresPerSource ? { loginFailuresPerSource } : {}),
    // serve keeps answering while it plans and moves: no commit of its may stall on a checkpoint
    backgroundCheckpoints: args.command === 'serve',
  });
  if (args.command === 'serve') {
    try {
      // Loaded only here: the HTTP server's packages cost every other command nothing.
      const { serve } = await import('./serve.js');
      return await serve(core, args);
    } finally {
      await core.close();
    }
  }
  let owner: string;
  try {
    owner = core.users.profile(args.profile);
    // A name an API account took (perhaps before you first used it as a profile): say whose data this is.
    const account = args.profile === 'local' || args.command === 'accounts' ? undefined : core.users.byId(owner);
    if (account && !account.isLocalProfile) {
      process.stderr.write(`fileorg: note: --profile ${args.profile} is the API account ${account.email ?? account.username}, not a profile of yours: this command records and lists that account's operations\n`);
    }
  } catch (error) {
    await core.close();
    throw error;
  }
  const scope = { owner };
  const bar = !args.json && process.stderr.isTTY ? createProgressBar(process.stderr) : undefined;
  // Ctrl-C stops after the page in flight, leaving an interrupted operation; a second Ctrl-C exits at once
  // (still safe: recovery settles the journal against the disk next time).
  const stop = new AbortController();
  process.once('SIGINT', () => {
    stop.abort();
    if (!args.json) process.stderr.write('\nfileorg: stopping after the current files (Ctrl-C again to quit now)\n');
    process.once('SIGINT', () => process.exit(EXIT_STOPPED));
  });
  const signal = stop.signal;
  const onProgress = (progress: OperationProgress): void => {
    if (args.json) writeLine(progress);
    else bar?.update(progress);
  };
  // Files skipped, failed or left in place: a `file` line each as their page is journaled (--json), a summary at the end.
  const outcomes = createOutcomeSummary();
  const onFileOutcomes = (list: readonly FileOutcome[]): void => {
    outcomes.add(list);
    printFileOutcomes(list, args.json);
  };
  try {
    if (!args.json) for (const id of core.recovered) process.stderr.write(`fileorg: operation ${id} was interrupted; run "fileorg resume ${id}" or "fileorg undo ${id}"\n`);
    switch (args.command) {
      case 'organize': {
        const ruleSet = args.rules ? loadRuleSetFile(args.rules) : presetRuleSet(args.preset ?? 'by-type');
        const result = await core.operations.organize({
          roots: args.dirs, destination: args.dest ?? null, conflict: args.conflict, includeHidden: args.includeHidden,
          sniffAll: args.sniffAll, preset: args.rules ? null : args.preset ?? 'by-type', ruleSet,
        }, { dryRun: args.dryRun, owner }, {
          onStarted: (id) => { if (args.json) writeLine({ type: 'started', operation_id: id }); },
          onPlannedRows: (rows) => { if (args.dryRun) { bar?.clear(); printPlanRows(rows, args.json); } },
          onProgress,
          onFileOutcomes,
          signal,
        });
        bar?.clear();
        printResult(result, args.json, args.dryRun ? result.plan : undefined, outcomes);
        if (result.status === 'interrupted') return EXIT_STOPPED;
        return result.failed > 0 ? EXIT_PARTIAL : EXIT_DONE;
      }
      case 'apply': {
        const result = await core.operations.apply(args.id, { exclude: [], excludePaths: args.excludePaths }, { onProgress, onFileOutcomes, signal }, scope);
        bar?.clear();
        printResult(result, args.json, undefined, outcomes);
        if (result.status === 'interrupted') return EXIT_STOPPED;
        return result.failed > 0 ? EXIT_PARTIAL : EXIT_DONE;
      }
      case 'cancel': {
        const { runCancel } = await import('./cancel-command.js');
        runCancel(core, args.id, scope, args.json);
        return EXIT_DONE;
      }
      case 'undo': case 'resume': {
        const hooks = { onProgress, onFileOutcomes, signal };
        const result = args.command === 'undo' ? await core.operations.undo(args.id, hooks, scope) : await core.operations.resume(args.id, hooks, scope);
        bar?.clear();
        printResult(result, args.json, undefined, outcomes);
        if (result.status === 'interrupted') return EXIT_STOPPED;
        const conflicts = 'rollback_conflicts' in result ? (result as { rollback_conflicts: number }).rollback_conflicts : 0;
        return result.failed > 0 && args.command === 'resume' ? EXIT_PARTIAL : conflicts > 0 ? EXIT_PARTIAL : EXIT_DONE;
      }
      case 'history':
        printHistory(core.operations.history(1000, owner, 0, args.kind), args.json, args.kind);
        return EXIT_DONE;
      case 'show':
        printShow(core.operations.showStream(args.id, scope), args.json);
        return EXIT_DONE;
      case 'dupes': {
        const searchProgress = (progress: DuplicateProgress): void => { if (args.json) writeLine(progress); else bar?.update(progress); };
        const options = { minSize: args.minSize, includeEmpty: args.includeEmpty, includeHidden: args.includeHidden };
        if (args.resolution === null) {
          const result = await core.duplicates.find(args.dirs, options, searchProgress);
          bar?.clear();
          await printDuplicates(result, args.json);
          return EXIT_DONE;
        }
        const result = await core.duplicates.resolve(args.dirs, { ...options, resolution: args.resolution, keep: args.keep, reference: args.reference, keepPaths: args.keepPaths, owner }, {
          onSearchProgress: searchProgress, onProgress, onFileOutcomes, signal,
          onStarted: (id) => { if (args.json) writeLine({ type: 'started', operation_id: id }); },
        });
        bar?.clear();
        printDedupe(result, args.json, outcomes);
        if (result.status === 'interrupted') return EXIT_STOPPED;
        return result.failed > 0 ? EXIT_PARTIAL : EXIT_DONE;
      }
      case 'quarantine': {
        if (args.action === 'list') {
          printQuarantine(core.duplicates.quarantine.list(args.id, owner), args.json);
          return EXIT_DONE;
        }
        const emptied = await core.duplicates.quarantine.empty(args.id, owner);
        printQuarantineEmptied(emptied, args.json);
        // Files left in the quarantine because their trash folder is not safe: not done, as a failure is not.
        return emptied.refused.length > 0 ? EXIT_PARTIAL : EXIT_DONE;
      }
      case 'accounts': {
        const { runAccounts } = await import('./accounts-command.js');
        await runAccounts(core, args);
        return EXIT_DONE;
      }
      case 'scan':
        printScan(await core.operations.scan(args.dirs, { includeHidden: args.includeHidden }), args.json);
        return EXIT_DONE;
      case 'link': {
        const { runLink } = await import('./link-command.js');
        runLink(core, args.json);
        return EXIT_DONE;
      }
      case 'watch': {
        // Loaded only here: chokidar and the watcher cost every other command nothing.
        const { runWatch } = await import('./watch-command.js');
        return await runWatch(core, args, owner, signal);
      }
      default:
        return args satisfies never;
    }
  } finally {
    bar?.clear();
    await core.close();
  }
}

// A reader that stops early (fileorg history | head) is not an error: stop writing, quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => { if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_DONE); else throw error; });

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const json = argv.includes('--json');
  let dataDir: string | undefined;
  try {
    const args = parseArguments(argv);
    if (args === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return argv.length === 0 ? EXIT_BAD_INPUT : EXIT_DONE;
    }
    dataDir = resolveDataDir({ flag: args.dataDir });
    return await run(args, dataDir);
  } catch (error) {
    // SQLite's refusals (a full disk, a damaged or read-only database) are about the data folder: say which, and what to do.
    const known = (dataDir === undefined ? undefined : dataFolderError(error, dataDir))
      ?? (isFileOrganizerError(error) ? error : new FileOrganizerError('E_INTERNAL', describeError(error)));
    if (json) writeLine({ type: 'error', code: known.code, message: known.message });
    else process.stderr.write(`fileorg: ${known.message}\n`);
    if (known.code === 'E_INTERNAL' && process.env.FILEORG_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : describeError(error)}\n`);
    if (known.code === 'E_INTERRUPTED') return EXIT_STOPPED;
    if (known.code === 'E_DATA_FOLDER') return EXIT_DATA_FOLDER;
    return BAD_INPUT_CODES.has(known.code) ? EXIT_BAD_INPUT : EXIT_PARTIAL;
  }
}

/**
 * How long a process that ran the watcher may take to end on its own once everything of ours is closed. chokidar
 * 5.0.0 can orphan an fs.watch handle when it is closed while adding a folder (paulmillr/chokidar#1482: a folder
 * the batch just made), and that handle alone would keep `fileorg watch --once` or a stopped serve running for
 * ever. Standard output is flushed first.
 */
const WATCHER_EXIT_GRACE_MS = 1000;

void main().then((code) => {
  process.exitCode = code;
  if (!ranWatcher) return;
  setTimeout(() => {
    if (process.env.FILEORG_DEBUG) process.stderr.write(`fileorg: exiting past what still runs: ${JSON.stringify(process.getActiveResourcesInfo())}\n`);
    process.stdout.write('', () => process.exit(code));
  }, WATCHER_EXIT_GRACE_MS).unref();
});
