import { FileOrganizerError } from '../../../src-shared/errors.js';
import { type ConflictPolicy } from '../../../src-shared/operation-status.js';
import { type KeepPolicy } from '../../../src-shared/duplicates.js';
import { type Rule, type RuleSet } from '../../../src-shared/rules.js';
import { type PlanSummaryView } from '../../../src-shared/api/operations.js';
import { mayHaveCaptureDate } from '../categorize/capture-date.js';
import { categorize, needsSniff } from '../categorize/categorize.js';
import { type SniffResult } from '../categorize/sniff-file.js';
import { type ContentPool } from '../dupes/content-pool.js';
import { compileRuleSet } from '../rules/compile-rules.js';
import { type FileFacts, splitName } from '../rules/file-facts.js';
import { compileTemplate, type CompiledTemplate } from '../rules/render-destination.js';
import { type Platform } from '../rules/safe-names.js';
import { type ScanBatch, type ScanSummary } from '../scan/scan-types.js';
import { type ProtectedFolders } from '../scan/protected-folders.js';
import { scanTree } from '../scan/scan-tree.js';
import { type WalkerPool } from '../scan/walker-pool.js';
import { type NewJournalRow } from '../ops/journal.js';
import { createPlanTally } from '../ops/plan-summary.js';
import { SNIFF_CONTENT, SNIFF_DATE } from '../../../src-worker/content-protocol.js';
import { type ProgressThrottle } from '../ops/progress-throttle.js';
import { createDestinationView } from './destination-view.js';
import { listedFiles } from './listed-files.js';
import { placeFile } from './place-file.js';

export interface PlanRequest {
  /** absolute roots, as the user gave them (never realpath'd) */
  roots: string[];
  /** absolute destination root, or null to organize each root in place */
  destination: string | null;
  ruleSet: RuleSet;
  conflict: ConflictPolicy;
  includeHidden: boolean;
  sniffAll: boolean;
  /**
   * Plan these files (absolute, below the roots) instead of walking the roots: a watcher's batch. Each is looked
   * at with lstat as it is planned (see listed-files.ts).
   */
  files?: readonly string[];
}

/** What a plan came to. The rows themselves go to the journal as they are made, never all held at once. */
export interface PlanSummary {
  createdFolders: readonly string[];
  /** files already where the rules put them */
  unchanged: number;
  /** files no rule matched */
  unmatched: number;
  /** files the run will act on, and their bytes */
  filesTotal: number;
  bytesTotal: number;
  /** files left where they are, with a reason (conflict under `skip`, unreadable, unsupported name...) */
  skipped: number;
  /** names found taken: renamed to "name (n)" or skipped, by policy */
  conflicts: number;
  scan: ScanSummary;
  /** the preview's summary (operations.plan_summary): files to act on per category and rule, skips per reason */
  preview: PlanSummaryView;
}

/** Measured: walkers sending 512 files at a time keep both threads busy; 4096 made the scan 1.4x slower. */
const SCAN_BATCH = 512;
/**
 * Plan rows go to the journal in transactions of about this many. The main thread answers no request while one
 * commits: measured at 100k files (bench/health.mjs), ~4200 rows took 17-33 ms, ~2200 rows 13-17 ms, and the
 * plan took as long.
 */
const RECORD_ROWS = 2048;
/** Files a sniffing task takes: a scan batch's worth spreads over the content threads in a few tasks. */
const SNIFF_TASK_FILES = 64;
/**
 * The planner runs on the main thread, which in `fileorg serve` also answers every request. Batches the walkers
 * have already sent are read without a turn of the event loop in between (awaiting a resolved promise does not
 * give one), so it gives the loop a turn itself once it has run this long; within a batch too, since a file's
 * rules may be slow (a big rule set of patterns).
 */
const SLICE_MS = 5;
/** Files planned between looks at the clock. */
const FILES_PER_CLOCK_CHECK = 32;
const nextTurn = (): Promise<void> => new Promise((resolve) => { setImmediate(resolve); });

interface Extras { sniff: SniffResult | undefined; captureDate: Date | undefined }

/**
 * Builds the whole plan before anything moves: for each file in walk order the first matching rule decides,
 * and the destination accounts for every earlier planned move. Rows go to `record` a scan batch at a time, in
 * plan order; the dry run prints exactly these, and the real run executes exactly these.
 */
export async function planOrganize(request: PlanRequest, dependencies: {
  now: () => number;
  platform: Platform;
  progress: ProgressThrottle;
  signal?: AbortSignal | undefined;
  /** never scanned nor moved into: the data folder and the quarantines, should a folder being organized hold them */
  protectedFolders: ProtectedFolders;
  walkers?: WalkerPool;
  /** the content threads, which read files' types and photo dates */
  contentPool: ContentPool;
  /** for rule sets with a `duplicate` condition: the copies each keep policy does not keep, found before planning */
  copies?: ReadonlyMap<KeepPolicy, ReadonlySet<string>>;
}, record: (rows: NewJournalRow[]) => void): Promise<PlanSummary> {
  const { now, platform, progress } = dependencies;
  const rules = compileRuleSet(request.ruleSet, now);
  const templates = new Map<Rule, CompiledTemplate>(request.ruleSet.rules.map((rule) =>
    [rule, compileTemplate(rule.action.type === 'rename' ? rule.action.name : rule.action.to, platform)]));
  const separator = platform === 'win32' ? '\\' : '/';
  const view = createDestinationView(platform);
  let rows: NewJournalRow[] = [];
  let skipped = 0;
  let conflicts = 0;
  let unchanged = 0;
  let unmatched = 0;
  let seen = 0;
  let filesTotal = 0;
  let bytesTotal = 0;
  const excludedFolders = dependencies.protectedFolders.excludedFrom(request.roots);
  const ownFiles = dependencies.protectedFolders.ownFiles();
  const intoProtected = dependencies.protectedFolders.destinationCheck(request.destination ? [...request.roots, request.destination] : request.roots);
  if (request.destination && !request.roots.includes(request.destination)) excludedFolders.push(request.destination);
  const scan = request.files
    ? listedFiles({ roots: request.roots, files: request.files, excludedFolders, batchSize: SCAN_BATCH })
    : scanTree({ roots: request.roots, excludedFolders, excludedIdentities: dependencies.protectedFolders.identities(), includeHidden: request.includeHidden, batchSize: SCAN_BATCH }, { walkers: dependencies.walkers });

  const skipRow = (source: string, size: number, mtimeMs: number, dev: string, ino: string, reason: string, detail: string, rule: Rule | null, category: string | null): void => {
    rows.push({ action: rule?.action.type ?? 'move', source, destination: null, state: 'skipped', reason, error: detail, ruleName: rule?.name ?? null,
      category, conflictRenamed: false, size, mtimeMs, dev, ino });
    skipped++;
    if (reason === 'conflict') conflicts++;
  };
  const tally = createPlanTally();
  const flushRows = (): void => {
    tally.add(rows);
    if (rows.length > 0) record(rows);
    rows = [];
  };
  let sliceStart = performance.now();
  const yieldIfLong = async (): Promise<void> => {
    if (performance.now() - sliceStart < SLICE_MS) return;
    await nextTurn();
    sliceStart = performance.now();
  };

  const planBatch = async (batch: ScanBatch): Promise<void> => {
    const count = batch.paths.length;
    const names = batch.paths.map((source) => source.slice(source.lastIndexOf(separator) + 1));
    const extensions = names.map((name) => splitName(name).extension.toLowerCase());
    const wantsContent = (index: number): boolean => rules.needsMime || needsSniff(extensions[index] as string, request.sniffAll);
    const wantsDate = (index: number): boolean => rules.needsDate && mayHaveCaptureDate(extensions[index] as string);
    const indexes: number[] = [];
    for (let index = 0; index < count; index++) if (wantsContent(index) || wantsDate(index)) indexes.push(index);
    const extras = new Map<number, Extras>();
    const tasks: Array<Promise<void>> = [];
    for (let start = 0; start < indexes.length; start += SNIFF_TASK_FILES) {
      const chosen = indexes.slice(start, start + SNIFF_TASK_FILES);
      const wants = Uint8Array.from(chosen, (index) => (wantsContent(index) ? SNIFF_CONTENT : 0) | (wantsDate(index) ? SNIFF_DATE : 0));
      const identities = chosen.map((index) => `${batch.devs[index]}:${batch.inos[index]}`).join('\0');
      tasks.push(dependencies.contentPool.sniff({ paths: chosen.map((index) => batch.paths[index] as string).join('\0'), wants, identities }).then((found) => {
        chosen.forEach((index, position) => extras.set(index, {
          sniff: ((wants[position] as number) & SNIFF_CONTENT) !== 0 ? { mime: found.mimes[position] ?? undefined, extension: found.extensions[position] ?? undefined } : undefined,
          captureDate: Number.isNaN(found.dates[position]) ? undefined : new Date(found.dates[position] as number),
        }));
      }));
    }
    await Promise.all(tasks);

    for (let index = 0; index < count; index++) {
      if (index % FILES_PER_CLOCK_CHECK === FILES_PER_CLOCK_CHECK - 1) await yieldIfLong();
      const source = batch.paths[index] as string;
      const size = batch.sizes[index] as number;
      const mtimeMs = batch.mtimesMs[index] as number;
      const dev = batch.devs[index] as string;
      const ino = batch.inos[index] as string;
      const root = request.roots[batch.roots[index] as number] as string;
      seen++;
      progress.tick('plan', { files_done: seen, files_total: 0, bytes_done: 0, bytes_total: 0, current_path: source });
      const own = ownFiles.get(ino);
      if (own !== undefined && own.dev === dev) { skipRow(source, size, mtimeMs, dev, ino, 'destination-invalid', own.detail, null, null); continue; }

      const name = names[index] as string;
      const { stem, extension: extensionAsWritten } = splitName(name);
      const extension = extensions[index] as string;
      const extra = extras.get(index);
      const { category } = categorize(extension, extra?.sniff ?? (needsSniff(extension, request.sniffAll) ? { mime: undefined, extension: undefined } : undefined));
      // The folder below the root, with '/' separators ('' at the root); the walk only yields paths under root.
      const folderEnd = source.length - name.length - 1;
      const relativeDir = folderEnd > root.length ? source.slice(root.length + (root.endsWith(separator) ? 0 : 1), folderEnd).split(separator).join('/') : '';
      const facts: FileFacts = {
        path: source, name, stem, extension, extensionAsWritten, relativeDir, size, mtimeMs, category,
        mime: extra?.sniff?.mime, date: extra?.captureDate ?? new Date(mtimeMs),
        isDuplicate: (policy) => dependencies.copies?.get(policy)?.has(source) ?? false,
      };
      const rule = rules.firstMatch(facts);
      if (!rule) { unmatched++; continue; }
      const render = templates.get(rule) as CompiledTemplate;
      const rendered = render(facts, rule.action.type === 'rename' ? source.slice(0, folderEnd) || separator : request.destination ?? root);
      if (!rendered.ok) { skipRow(source, size, mtimeMs, dev, ino, rendered.reason, rendered.detail, rule, category); continue; }
      if (rendered.destination === source) { unchanged++; continue; }
      const refusal = intoProtected(rendered.destination);
      if (refusal !== undefined) { skipRow(source, size, mtimeMs, dev, ino, 'destination-invalid', refusal, rule, category); continue; }

      const placement = placeFile(view, rendered.destination, request.conflict);
      if (!placement.ok) {
        skipRow(source, size, mtimeMs, dev, ino, 'conflict', placement.detail, rule, category);
        continue;
      }
      const placed = placement.destination;
      if (placed === source) { unchanged++; continue; }
      view.take(placed);
      if (rule.action.type !== 'copy') view.free(source);
      rows.push({ action: rule.action.type, source, destination: placed, state: 'planned', reason: null, error: null, ruleName: rule.name,
        category, conflictRenamed: placed !== rendered.destination, size, mtimeMs, dev, ino });
      if (placed !== rendered.destination) conflicts++;
      filesTotal++;
      bytesTotal += size;
    }
    if (rows.length >= RECORD_ROWS) {
      await yieldIfLong(); // the transaction starts a slice of its own rather than lengthen this one
      flushRows();
    }
  };

  const stopIfAsked = (): void => {
    if (dependencies.signal?.aborted) throw new FileOrganizerError('E_INTERRUPTED', 'stopped while planning, before anything moved');
  };
  for await (const batch of scan.batches) {
    stopIfAsked();
    await planBatch(batch);
    await yieldIfLong();
  }
  stopIfAsked();
  const summary = await scan.summary;
  for (const entry of summary.skipped) {
    if (entry.reason !== 'vanished') skipRow(entry.path, 0, 0, '', '', entry.reason, entry.detail, null, null);
  }
  flushRows();
  stopIfAsked(); // asked while the last rows were recorded: the plan is not marked whole, so it never runs
  progress.flush('plan', { files_done: seen, files_total: seen, bytes_done: 0, bytes_total: 0, current_path: null });
  return { createdFolders: view.createdFolders(), unchanged, unmatched, filesTotal, bytesTotal, skipped, conflicts, scan: summary, preview: tally.summary(unchanged) };
}
