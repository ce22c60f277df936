import fs from 'node:fs';
import { describeError, FileOrganizerError, isFileOrganizerError } from '../../../src-shared/errors.js';

/** What is wrong with a data folder that cannot be used: each asks the user for something else. */
export type DataFolderProblem = 'read-only' | 'damaged' | 'full' | 'unusable';

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** The folder itself answers what SQLite's "cannot open" and "I/O error" leave open: no write access, or no space. */
function probeFolder(dataDir: string): DataFolderProblem {
  try {
    fs.accessSync(dataDir, fs.constants.W_OK);
  } catch (error) {
    // A missing folder is "unusable" (its parent refused to hold it, or it is not a folder); the rest cannot be written.
    return codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR' ? 'unusable' : 'read-only';
  }
  try {
    const space = fs.statfsSync(dataDir);
    if (space.bavail === 0) return 'full';
  } catch { /* no answer: say what we know */ }
  return 'unusable';
}

/**
 * Which data folder problem an error shows, if any. SQLite's codes (better-sqlite3's errors, or the bare
 * `{ code }` one of them becomes when it crosses from a worker thread) always concern the data folder, the only
 * place with a database. The OS's codes are taken only when `osErrors` says the error came from the data folder
 * (opening it): elsewhere an EACCES is a user's file, reported on its row.
 */
export function dataFolderProblemOf(error: unknown, dataDir: string, options: { osErrors: boolean }): DataFolderProblem | undefined {
  // drizzle wraps SQLite's error ("Failed to run the query 'ROLLBACK'", its `cause` SQLITE_FULL): the cause decides.
  return telling(error, dataDir, options)?.problem;
}

/** The error itself or the first of its causes that shows a data folder problem, with that problem. */
function telling(error: unknown, dataDir: string, options: { osErrors: boolean }): { error: unknown; problem: DataFolderProblem } | undefined {
  for (let cause = error, depth = 0; cause !== null && typeof cause === 'object' && depth < 5; depth++) {
    const problem = problemOfOne(cause, dataDir, options);
    if (problem) return { error: cause, problem };
    cause = (cause as { cause?: unknown }).cause;
  }
  // A transaction whose ROLLBACK or COMMIT itself failed (drizzle's migrations on a disk that filled) has lost
  // SQLite's first error: the folder is asked what is wrong with it.
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === 'string' && /^Failed to run the query '(ROLLBACK|COMMIT)/.test(message)) return { error, problem: probeFolder(dataDir) };
  return undefined;
}

function problemOfOne(error: unknown, dataDir: string, options: { osErrors: boolean }): DataFolderProblem | undefined {
  const code = codeOf(error);
  if (code === undefined) return undefined;
  if (code.startsWith('SQLITE_')) {
    if (code === 'SQLITE_FULL') return 'full';
    if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM') return 'read-only';
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'damaged';
    if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR')) return probeFolder(dataDir);
    return undefined; // busy, constraint, a bad statement: not the folder's fault
  }
  if (!options.osErrors) return undefined;
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'full';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'read-only';
  if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EIO' || code === 'ENOENT') return 'unusable';
  return undefined;
}

const ELSEWHERE = 'or choose another data folder with --data-dir or FILEORG_DATA_DIR';

/** The message for each problem: what is wrong, in the OS's or SQLite's words too, and what to do. */
function messageOf(problem: DataFolderProblem, dataDir: string, cause: string): string {
  switch (problem) {
    case 'read-only':
      return `the data folder ${dataDir} cannot be written (${cause}). FileOrganizer keeps its history and journal there: make it writable for this user, ${ELSEWHERE}`;
    case 'full':
      return `the disk holding the data folder ${dataDir} is full (${cause}). Free some space on it, ${ELSEWHERE}; a run it stopped is settled the next time fileorg opens the folder, then resume or undo it`;
    case 'damaged':
      return `the database in the data folder ${dataDir} is damaged (${cause}). Move fileorganizer.db and its -wal and -shm files out of it (they hold the history undo needs: keep them) to start afresh, ${ELSEWHERE}`;
    case 'unusable':
      return `the data folder ${dataDir} cannot be used (${cause}). Check that it is a folder this user can read and write, on a disk that works, ${ELSEWHERE}`;
    default:
      return problem satisfies never;
  }
}

/**
 * The error as an E_DATA_FOLDER error naming the folder and what to do, or undefined when it is not about the
 * data folder (then it is reported as it is).
 */
export function dataFolderError(error: unknown, dataDir: string, options: { osErrors: boolean } = { osErrors: false }): FileOrganizerError | undefined {
  if (isFileOrganizerError(error)) return undefined;
  const found = telling(error, dataDir, options);
  if (!found) return undefined;
  return new FileOrganizerError('E_DATA_FOLDER', messageOf(found.problem, dataDir, describeError(found.error)),
    { data_folder: dataDir, problem: found.problem, cause: codeOf(found.error) ?? null });
}
