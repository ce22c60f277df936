import fs from 'node:fs';
import { identityFromStats, readIdentity, sameIdentity } from './file-identity.js';
import { temporaryPathFor } from './file-transfer.js';
import { type ActionRow, type JournalUpdate, temporaryTag } from './row-actions.js';

/**
 * Duplicate resolution by hard link: the duplicate's name is made to point at the kept file of its group.
 * The link is made under a temp name beside the duplicate and renamed over it, so the name always holds one
 * of two identical contents and a failure at any step loses nothing. The duplicate's own inode goes with the
 * rename: that is the one unlink of a file this action makes, and only after checking that the file is
 * still exactly as hashed (size, mtime, inode and ctime) and that the kept file still is the one hashed.
 */

const skipped = (row: ActionRow, reason: string, error: string): JournalUpdate => ({ id: row.id, state: 'skipped', reason, error });

/** ctime in nanoseconds as decimal text, from the file's bigint stats. */
function ctimeOf(file: string): string | undefined {
  const stats = fs.lstatSync(file, { bigint: true, throwIfNoEntry: false });
  return stats ? String(stats.ctimeNs) : undefined;
}

export function executeHardlink(row: ActionRow, operationId: string): JournalUpdate {
  const kept = row.destination as string;
  const current = readIdentity(row.source);
  if (!current) return skipped(row, 'source-missing', `${row.source} is gone`);
  // Already done (a resumed run): the name points at the kept file.
  if (current.dev === row.destinationDev && current.ino === row.destinationIno) return { id: row.id, state: 'done' };
  if (!sameIdentity(current, row) || (row.ctimeNs && ctimeOf(row.source) !== row.ctimeNs)) {
    return skipped(row, 'changed-since-plan', `${row.source} changed after it was hashed; search again to include it`);
  }
  const keptNow = readIdentity(kept);
  if (!keptNow || keptNow.dev !== row.destinationDev || keptNow.ino !== row.destinationIno || keptNow.size !== row.size || keptNow.mtimeMs !== row.keptMtimeMs) {
    return skipped(row, 'kept-file-changed', `${kept}, the copy to keep, changed or is gone since it was hashed; ${row.source} was left as it is`);
  }
  if (keptNow.dev !== current.dev) return skipped(row, 'other-device', `${row.source} and ${kept} are on different devices; a hard link cannot join them`);
  const temporary = temporaryPathFor(row.source, temporaryTag(operationId, row.id, 'execute'));
  fs.rmSync(temporary, { force: true }); // a leftover of an interrupted attempt at this very row
  try {
    fs.linkSync(kept, temporary);
    fs.renameSync(temporary, row.source);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return { id: row.id, state: 'done' };
}

/**
 * Undo: give the duplicate's name a file of its own again, a copy of the kept file (still the content both
 * had) with the duplicate's mtime, written under a temp name and renamed over the link.
 */
export function rollbackHardlink(row: ActionRow, operationId: string): JournalUpdate {
  const kept = row.destination as string;
  const conflict = (reason: string, error: string): JournalUpdate => ({ id: row.id, state: 'rollback_conflict', reason, error });
  const placed = readIdentity(row.source);
  if (!placed) return conflict('missing', `${row.source} is no longer there`);
  const linked = placed.dev === row.destinationDev && placed.ino === row.destinationIno;
  if (!linked) {
    // A file of its own already: put back by an undo that was interrupted after its rename.
    if (placed.size === row.size) return { id: row.id, state: 'rolled_back' };
    return conflict('changed-since-organize', `${row.source} was replaced after it was linked; it was left as it is`);
  }
  if (placed.size !== row.size || placed.mtimeMs !== row.keptMtimeMs) {
    return conflict('changed-since-organize', `${kept} (which ${row.source} is linked to) was edited since; both names show the edit, so the old content cannot be given back`);
  }
  const temporary = temporaryPathFor(row.source, temporaryTag(operationId, row.id, 'rollback'));
  fs.rmSync(temporary, { force: true });
  try {
    fs.copyFileSync(row.source, temporary, fs.constants.COPYFILE_EXCL);
    const copy = identityFromStats(temporary, fs.lstatSync(temporary));
    if (copy.size !== row.size) throw new Error(`the copy of ${kept} is incomplete; ${row.source} was left linked`);
    fs.utimesSync(temporary, row.mtimeMs / 1000, row.mtimeMs / 1000);
    const descriptor = fs.openSync(temporary, 'r');
    try { fs.fsyncSync(descriptor); } finally { fs.closeSync(descriptor); }
    fs.renameSync(temporary, row.source);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return { id: row.id, state: 'rolled_back' };
}

/** Recovery: what a hardlink row reached before a crash (undefined: untouched). */
export function settleHardlink(row: ActionRow, operationId: string, phase: 'execute' | 'rollback'): JournalUpdate | undefined {
  fs.rmSync(temporaryPathFor(row.source, temporaryTag(operationId, row.id, phase)), { force: true }); // a link or a partial copy: ours
  const placed = readIdentity(row.source);
  const linked = placed !== undefined && placed.dev === row.destinationDev && placed.ino === row.destinationIno;
  if (phase === 'execute') return linked ? { id: row.id, state: 'done' } : undefined;
  return placed && !linked ? { id: row.id, state: 'rolled_back' } : undefined;
}
