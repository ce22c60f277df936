import { type DedupeResult, type DuplicateSearchResult, type QuarantinedFile } from '../../src-shared/duplicates.js';
import { type OperationResult } from '../../src-shared/progress.js';
import { type FileOutcome } from '../core/ops/file-outcomes.js';
import { type JournalRow, type NewJournalRow } from '../core/ops/journal.js';
import { type Operation } from '../core/ops/operation-store.js';
import { type PlanSummary } from '../core/plan/plan-organize.js';
import { type ScanSummary } from '../core/scan/scan-types.js';
import { type OutcomeSummary } from './outcome-summary.js';

const line = (value: unknown): void => { process.stdout.write(`${JSON.stringify(value)}\n`); };
const say = (text: string): void => { process.stdout.write(`${text}\n`); };

function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++; }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** The dry run's plan: one line per file the run would act on or skip, printed as the plan is made. */
export function printPlanRows(rows: readonly NewJournalRow[], json: boolean): void {
  for (const row of rows) {
    const action = row.state === 'skipped' ? 'skip' : row.action;
    const reason = row.state === 'skipped' ? row.reason : row.conflictRenamed ? 'conflict' : null;
    if (json) line({ type: 'plan', source: row.source, destination: row.destination, action, reason, error: row.state === 'skipped' ? row.error : null });
    else say(row.state === 'skipped' ? `skip    ${row.source}  (${row.reason}: ${row.error})` : `${action.padEnd(7)} ${row.source}\n     -> ${row.destination}${reason ? '  (name was taken)' : ''}`);
  }
}

export function printResult(result: OperationResult & { plan?: PlanSummary; rolled_back?: number; rollback_conflicts?: number }, json: boolean, plan?: PlanSummary,
  outcomes?: OutcomeSummary): void {
  const { plan: _plan, ...rest } = result;
  if (json) {
    line(rest);
    return;
  }
  if (plan) {
    say(`\nDry run ${result.operation_id}: ${plan.filesTotal} files (${formatBytes(plan.bytesTotal)}) would be organized, ${result.skipped} skipped, ${result.conflicts} name conflicts, ${plan.unchanged} already in place. Nothing was touched.`);
    // The preview is recorded: applying it runs exactly this plan (kept for a day).
    say(`Apply it with: fileorg apply ${result.operation_id}`);
    return;
  }
  if (result.rolled_back !== undefined) {
    say(`Undo of ${result.operation_id}: ${result.status}. ${result.rolled_back} files put back${result.rollback_conflicts ? `, ${result.rollback_conflicts} left in place` : ''}.`);
    if (outcomes) printOutcomeSummary(outcomes, result.operation_id);
    return;
  }
  say(`Operation ${result.operation_id}: ${result.status}. ${result.moved} files organized, ${result.skipped} skipped, ${result.failed} failed, ${result.conflicts} name conflicts.`);
  if (outcomes) printOutcomeSummary(outcomes, result.operation_id);
  if (result.status === 'interrupted') say(`Stopped. Finish it with: fileorg resume ${result.operation_id}  (or put everything back: fileorg undo ${result.operation_id})`);
  else say(`Undo it any time with: fileorg undo ${result.operation_id}`);
}

const historyEntry = (operation: Operation) => ({
  operation_id: operation.id, status: operation.status, kind: operation.kind, dry_run: operation.dryRun,
  created_at: new Date(operation.createdAt).toISOString(), finished_at: operation.finishedAt ? new Date(operation.finishedAt).toISOString() : null,
  roots: operation.request.roots, destination: operation.request.destination,
  files_total: operation.filesTotal, bytes_total: operation.bytesTotal, moved: operation.moved, skipped: operation.skipped,
  failed: operation.failed, conflicts: operation.conflicts, unchanged: operation.unchanged,
  rolled_back: operation.rolledBack, rollback_conflicts: operation.rollbackConflicts, message: operation.error,
});

/** What each kind of run is, in the human listing: a watcher's batch says so. */
const KIND_WORDS: Record<Operation['kind'], string> = { organize: 'organize', dedupe: 'dupes', watch: 'watch' };

export function printHistory(operations: Operation[], json: boolean, kind?: Operation['kind']): void {
  for (const operation of operations) {
    const entry = historyEntry(operation);
    if (json) line(entry);
    else say(`${entry.operation_id}  ${entry.created_at}  ${KIND_WORDS[operation.kind].padEnd(8)} ${(entry.dry_run ? 'dry run' : entry.status).padEnd(24)} ${entry.files_total} files  ${entry.roots.join(', ')}`);
  }
  if (json || operations.length > 0) return;
  if (kind === 'watch') say('No watch batches yet. Watch a folder with: fileorg watch add ~/Downloads, then run fileorg watch');
  else if (kind === 'dedupe') say('No duplicate clean-ups yet. See what there is with: fileorg dupes ~/Pictures (then --quarantine to act)');
  else if (kind === 'organize') say('No organize runs yet. Try: fileorg organize ~/Downloads --dry-run');
  else say('No operations yet. Try: fileorg organize ~/Downloads --dry-run');
}

/** A file of a run as `show --json` and a run's `file` lines give it: `reason` a stable code, `error` the words. */
const fileEntry = (row: FileOutcome) => ({
  id: row.id, action: row.action, source: row.source, destination: row.destination, state: row.state, reason: row.reason, error: row.error, size: row.size,
});

/** Why, in one parenthesis: "(disk-full: ENOSPC: no space left on device, write)". */
const why = (row: FileOutcome): string => {
  const words = [row.reason, row.error].filter((part) => part !== null && part !== '');
  return words.length > 0 ? `  (${words.join(': ')})` : '';
};

/** The files a page of a run left skipped, failed or in place: one `file` line each with --json (humans get a summary at the end). */
export function printFileOutcomes(outcomes: readonly FileOutcome[], json: boolean): void {
  if (json) for (const outcome of outcomes) line({ type: 'file', ...fileEntry(outcome) });
}

/** Under a run's result line: how many files were left undone and why, the first few by name, and where to see all. */
export function printOutcomeSummary(summary: OutcomeSummary, operationId: string): void {
  if (summary.total === 0) return;
  for (const [state, reasons] of summary.reasonsByState()) say(`  ${state.replace('_', ' ')}: ${reasons}`);
  // A file an undo left in place is where the run put it: that is the path to look at.
  for (const row of summary.listed()) say(`  ${row.state.padEnd(18)} ${row.state === 'rollback_conflict' ? row.destination ?? row.source : row.source}${why(row)}`);
  const more = summary.total - summary.listed().length;
  say(`  ${more > 0 ? `and ${more} more; every file and why` : 'Each file and why'}: fileorg show ${operationId}`);
}

export function printShow(shown: { operation: Operation; files: Iterable<JournalRow>; folders: { created: string[]; removed: string[] } }, json: boolean): void {
  const entry = { type: 'operation', ...historyEntry(shown.operation), folders_created: shown.folders.created, folders_removed: shown.folders.removed };
  if (json) {
    line(entry);
    for (const row of shown.files) line({ type: 'file', ...fileEntry(row) });
    return;
  }
  say(`Operation ${entry.operation_id} (${entry.dry_run ? 'dry run' : entry.status}), ${entry.created_at}`);
  say(`  folders: ${entry.roots.join(', ')}${entry.destination ? ` -> ${entry.destination}` : ''}`);
  say(`  ${entry.moved} moved, ${entry.skipped} skipped, ${entry.failed} failed, ${entry.rolled_back} rolled back, ${entry.rollback_conflicts} rollback conflicts`);
  if (entry.message) say(`  ${entry.message}`);
  for (const row of shown.files) say(`  ${row.state.padEnd(18)} ${row.source} -> ${row.destination ?? '-'}${why(row)}`);
}

export function printScan(summary: ScanSummary, json: boolean): void {
  const entry = { type: 'scan', files: summary.files, bytes: summary.bytes, folders: summary.folders, symlinks: summary.symlinks,
    special: summary.special, hidden: summary.hidden, skipped: summary.skipped };
  if (json) { line(entry); return; }
  say(`${summary.files} files (${formatBytes(summary.bytes)}) in ${summary.folders} folders; ${summary.hidden} hidden and ${summary.symlinks} symlinks left alone`);
  for (const skipped of summary.skipped) say(`  skipped ${skipped.path}: ${skipped.reason} (${skipped.detail})`);
}

/** Duplicate groups, most space to win first, then what was left out and why. */
/**
 * The search's result line in pieces, a slice of groups at a time: together the same bytes as
 * JSON.stringify(result) and a newline, without a second copy of a million-file tree's groups as one string.
 */
export function* resultLinePieces(result: DuplicateSearchResult, groupsPerPiece = 2048): Generator<string> {
  const { type, groups, ...rest } = result;
  yield `{"type":${JSON.stringify(type)},"groups":[`;
  for (let start = 0; start < groups.length; start += groupsPerPiece) {
    const slice = JSON.stringify(groups.slice(start, start + groupsPerPiece));
    yield `${start > 0 ? ',' : ''}${slice.slice(1, -1)}`;
  }
  const tail = JSON.stringify(rest);
  yield `]${tail === '{}' ? '' : `,${tail.slice(1, -1)}`}}\n`;
}

/** The human listing of the groups, a line at a time. */
function* groupLines(result: DuplicateSearchResult): Generator<string> {
  for (const group of result.groups) {
    yield `${group.files.length} x ${formatBytes(group.size)} (${formatBytes(group.size * (group.files.length - 1))} wasted), blake3 ${group.hash.slice(0, 16)}\n`;
    for (const file of group.files) yield `  ${file}\n`;
  }
  for (const skipped of result.skipped) yield `skipped ${skipped.path}: ${skipped.reason} (${skipped.detail})\n`;
  const files = result.groups.reduce((sum, group) => sum + group.files.length, 0);
  yield `${result.groups.length} groups of duplicates (${files} files), ${formatBytes(result.wasted_bytes)} wasted; ${result.files_scanned} files scanned, ${formatBytes(result.hashed_bytes)} read to compare them\n`;
}

/**
 * Write pieces to stdout, waiting for it to drain when it asks to: stdout to a pipe is asynchronous, and a
 * 1M-file search's groups (tens of MB) written at once were queued whole in memory (peak RSS ~80 MB higher
 * when read through a pipe than written to /dev/null).
 */
async function writeAll(pieces: Iterable<string>): Promise<void> {
  for (const piece of pieces) {
    if (!process.stdout.write(piece)) await new Promise<void>((resolve) => { process.stdout.once('drain', resolve); });
  }
}

export async function printDuplicates(result: DuplicateSearchResult, json: boolean): Promise<void> {
  await writeAll(json ? resultLinePieces(result) : groupLines(result));
}

export function printDedupe(result: DedupeResult, json: boolean, outcomes?: OutcomeSummary): void {
  if (json) { line(result); return; }
  const done = result.linked > 0 ? `${result.linked} duplicates replaced by hard links` : `${result.quarantined} duplicates moved to the quarantine`;
  say(`Operation ${result.operation_id}: ${result.status}. ${done} (${formatBytes(result.freed_bytes)}${result.quarantined > 0 ? ' to free when the quarantine is emptied' : ' freed'}), ${result.skipped} skipped, ${result.failed} failed.`);
  if (outcomes && outcomes.total > 0) printOutcomeSummary(outcomes, result.operation_id);
  else if (result.skipped > 0 || result.failed > 0) say(`See why with: fileorg show ${result.operation_id}`);
  say(`Undo it any time with: fileorg undo ${result.operation_id}${result.quarantined > 0 ? '   Free the space with: fileorg quarantine empty' : ''}`);
}

export function printQuarantine(files: QuarantinedFile[], json: boolean): void {
  for (const file of files) {
    if (json) line({ type: 'quarantined', ...file });
    else say(`${file.original}  (${formatBytes(file.size)}, operation ${file.operation_id}${file.kept ? `, kept: ${file.kept}` : ''})`);
  }
  const bytes = files.reduce((sum, file) => sum + file.size, 0);
  if (json) line({ type: 'result', files: files.length, bytes });
  else say(`${files.length} files in the quarantine, ${formatBytes(bytes)}. Put them back with fileorg undo ID, or send them to the trash with fileorg quarantine empty.`);
}

export function printQuarantineEmptied(result: { type: 'result'; trashed: number; trashed_bytes: number; missing: number; left: number; refused: Array<{ original: string; quarantined: string; message: string }> }, json: boolean): void {
  if (json) { line(result); return; }
  say(`${result.trashed} files (${formatBytes(result.trashed_bytes)}) sent to the trash${result.missing > 0 ? `; ${result.missing} were no longer in the quarantine` : ''}.`);
  for (const file of result.refused) say(`${file.quarantined} (from ${file.original}) stays in the quarantine: ${file.message}.`);
  const others = result.left - result.refused.length;
  if (others > 0) say(`${others} were left where they are: not the files quarantined, or reached through a symlink (see fileorg quarantine list).`);
}
