import { type OperationFileView, type OperationView } from '../../src-shared/api/operations.js';
import { baseName, formatCount, plural, visibleName } from '../ui/format.js';

/**
 * What History says about an operation, as pure functions of what the API answered: its kind and folders in
 * words, its counts in one line, which actions its status allows, and journal paths shortened for reading.
 */

type Kinded = Pick<OperationView, 'kind' | 'destination'>;

/** A duplicates operation either quarantined its copies (it has a destination: the quarantine) or hard-linked them. */
export const isHardLinks = (operation: Kinded): boolean => operation.kind === 'dedupe' && operation.destination === null;

/**
 * Sorts files by rules: an organize run, or one of the watcher's batches (kind `watch`), which is an organize run
 * of the files that settled in a watched folder. Both have a destination, rules, a plan of moves.
 */
export const sortsByRules = (operation: Pick<OperationView, 'kind'>): boolean => operation.kind === 'organize' || operation.kind === 'watch';

export function kindWords(operation: Kinded): string {
  if (operation.kind === 'organize') return 'Organize';
  if (operation.kind === 'watch') return 'Watched folder';
  return isHardLinks(operation) ? 'Duplicates: hard links' : 'Duplicates: quarantine';
}

/** What the detail says under its title before the date: an organize run's title says it all. */
export function detailKindWords(operation: Kinded): string | null {
  if (operation.kind === 'organize') return null;
  // Nobody pressed anything: the words say who ran it.
  if (operation.kind === 'watch') return 'Organized by the watcher';
  return kindWords(operation);
}

/** "Downloads", "Downloads, Desktop", "Downloads and 3 more" */
export function folderNames(paths: readonly string[]): string {
  const names = paths.map((path) => visibleName(baseName(path)));
  if (names.length <= 2) return names.join(', ');
  return `${names[0]} and ${formatCount(names.length - 1)} more`;
}

export function operationTitle(operation: Pick<OperationView, 'kind' | 'destination' | 'source_paths'>): string {
  const folders = folderNames(operation.source_paths);
  if (operation.kind === 'organize') return `Organize ${folders}`;
  // The watcher's batch: named for the folder it keeps tidy, not as a run someone started.
  if (operation.kind === 'watch') return `Watched ${folders}`;
  return `Duplicates in ${folders}`;
}

/** The verb for files the operation moved: organize (and the watcher) moves, a duplicates run quarantines or links. */
export function movedWord(operation: Kinded): string {
  if (sortsByRules(operation)) return 'Moved';
  return isHardLinks(operation) ? 'Linked' : 'Quarantined';
}

/** One line of counts for a list row: the numbers that matter for this status, zeros left out. */
export function countsLine(operation: OperationView): string {
  if (operation.status === 'planned' && operation.dry_run) {
    if (operation.plan === null) return 'Planning…';
    return operation.plan.files === 0 ? 'Nothing to move' : `${plural(operation.plan.files, 'file')} to move`;
  }
  const parts: string[] = [];
  const live = operation.status === 'running' || operation.status === 'planned';
  if (live && operation.progress.files_total > 0) parts.push(`${formatCount(operation.progress.files_done)} of ${plural(operation.progress.files_total, 'file')}`);
  else parts.push(`${formatCount(operation.moved)} ${movedWord(operation).toLowerCase()}`);
  if (operation.skipped > 0) parts.push(`${formatCount(operation.skipped)} skipped`);
  if (operation.failed > 0) parts.push(`${formatCount(operation.failed)} failed`);
  if (operation.rolled_back > 0) parts.push(`${formatCount(operation.rolled_back)} put back`);
  if (operation.rollback_conflicts > 0) parts.push(`${formatCount(operation.rollback_conflicts)} not put back`);
  return parts.join(' · ');
}

export type OperationAction = 'apply' | 'undo' | 'resume' | 'cancel';

/**
 * The actions an operation's status allows, as the engine decides them (src-main/core/ops/operations.ts):
 * Apply a whole preview; Undo what finished, stopped or was partly put back; Resume what was interrupted;
 * Cancel what runs (a run, an undo, or a plan still being made).
 */
export function actionsFor(operation: OperationView): OperationAction[] {
  const { status, dry_run: dryRun } = operation;
  if (status === 'planned' && dryRun && operation.plan !== null) return ['apply'];
  if (status === 'running' || status === 'rolling_back' || status === 'planned') return ['cancel'];
  if (dryRun) return [];
  if (status === 'interrupted') return ['resume', 'undo'];
  if (status === 'completed' || status === 'completed_with_failures' || status === 'partially_rolled_back') return ['undo'];
  return [];
}

/**
 * The name of the detail's progress bar: what is running, never a button's name alone ("Undo" is the button).
 * A resume is named so only when this window started it; a run seen from elsewhere is an apply (or an undo).
 */
export function progressName(operation: Pick<OperationView, 'status' | 'dry_run'>, started: OperationAction | null): string {
  if (operation.status === 'rolling_back') return 'Undo progress';
  if (operation.status === 'planned' && operation.dry_run) return 'Preview progress';
  return started === 'resume' ? 'Resume progress' : 'Apply progress';
}

/** What the status means for the user, and what they may do next; null when the badge says it all. */
export function statusHint(operation: OperationView): string | null {
  switch (operation.status) {
    case 'planned':
      return operation.dry_run && operation.plan !== null
        ? 'A preview: nothing has moved yet. Apply runs exactly this plan; a preview not applied is discarded after a day.'
        : 'Making the plan…';
    case 'interrupted':
      return operation.dry_run
        ? 'This preview stopped before its plan was whole, so there is nothing to apply: preview the folder again.'
        : 'Stopped part-way. Resume finishes it; Undo puts back what it moved.';
    case 'completed_with_failures':
      return 'Some files could not be moved; their reasons are in the journal below. Fix what they say, then organize again.';
    case 'partially_rolled_back':
      // The files it left have their own panel, which says why and what to do.
      return operation.rollback_conflicts > 0 ? null : 'Undo put back what it safely could.';
    case 'rolled_back':
      return 'Every file is back where it was.';
    default:
      return null;
  }
}

/** Where a journal path sits, said short: relative to the folder it is in, the quarantine by name. */
export interface PathRoots {
  sources: readonly string[];
  destination: string | null;
  /** a quarantine's files live under destination/<operation id>/ */
  quarantine: string | null;
}

export function rootsOf(operation: Pick<OperationView, 'operation_id' | 'kind' | 'source_paths' | 'destination'>): PathRoots {
  const quarantine = operation.kind === 'dedupe' && operation.destination !== null ? joinPath(operation.destination, operation.operation_id) : null;
  return { sources: operation.source_paths, destination: sortsByRules(operation) ? operation.destination : null, quarantine };
}

const separatorOf = (path: string): string => (path.includes('\\') && !path.includes('/') ? '\\' : '/');
const joinPath = (folder: string, name: string): string => `${folder.replace(/[\\/]+$/, '')}${separatorOf(folder)}${name}`;

function inside(path: string, root: string): string | null {
  const trimmed = root.replace(/[\\/]+$/, '');
  if (path === trimmed) return '';
  const next = path[trimmed.length];
  return path.startsWith(trimmed) && (next === '/' || next === '\\') ? path.slice(trimmed.length + 1) : null;
}

/**
 * A path as the journal shows it: inside one of the operation's folders, relative to it (with the folder's name
 * first when there are several, or when it is the destination); in the quarantine, "Quarantine"; else whole.
 */
export function shortPath(path: string, roots: PathRoots): { text: string; inQuarantine: boolean } {
  if (roots.quarantine !== null && inside(path, roots.quarantine) !== null) return { text: 'Quarantine', inQuarantine: true };
  if (roots.destination !== null) {
    const relative = inside(path, roots.destination);
    if (relative !== null) return { text: `${baseName(roots.destination)}/${relative}`, inQuarantine: false };
  }
  for (const source of roots.sources) {
    const relative = inside(path, source);
    if (relative === null || relative === '') continue;
    return { text: roots.sources.length > 1 ? `${baseName(source)}/${relative}` : relative, inQuarantine: false };
  }
  return { text: path, inQuarantine: false };
}

/** The arrow's meaning for a journal row: most rows move; a duplicates row may become a hard link. */
export const linkWords = (row: Pick<OperationFileView, 'action'>): string => (row.action === 'hardlink' ? 'linked to' : 'to');
