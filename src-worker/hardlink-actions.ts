import fs from 'node:fs';
import path from 'node:path';
import { blake3OfFile } from './blake3-sync.js';
import { applyAttributes, attributesOf, sameOwnership } from './file-attributes.js';
import { readIdentity, sameIdentity } from './file-identity.js';
import { copyToTemporary, temporaryPathFor } from './file-transfer.js';
import { ensureRealFolder } from './real-folders.js';
import { type ActionRow, checkKeptFile, type JournalUpdate, notedOwnLink, temporaryTag } from './row-actions.js';
import { pauseForTest } from './test-pause.js';

/**
 * Duplicate resolution by hard link: the duplicate's name is made to point at the kept file of its group.
 * The link is made under a temp name beside the duplicate and renamed over it, so the name always holds one
 * of two identical contents and a failure at any step loses nothing. The duplicate's own inode goes with the
 * rename: that is the one unlink of a file this action makes, and only after checking, at the last moment,
 * that the file is still exactly as hashed (size, mtime, inode and ctime), that the kept file still is the one
 * hashed (the same, and ctime too: an edit with its size and mtime put back still moves ctime), and that both
 * have the same owner, group and permissions (as jdupes -p asks: a link must not give a file another's).
 */

const skipped = (row: ActionRow, reason: string, error: string): JournalUpdate => ({ id: row.id, state: 'skipped', reason, error });
const describeMode = (attributes: { mode: number; uid: number; gid: number }): string =>
  `${attributes.mode.toString(8).padStart(4, '0')} ${attributes.uid}:${attributes.gid}`;

export function executeHardlink(row: ActionRow, operationId: string, anchors: readonly string[]): JournalUpdate {
  const kept = row.destination as string;
  if (!ensureRealFolder(anchors, path.dirname(row.source), false)) return skipped(row, 'source-missing', `${row.source} is gone`);
  ensureRealFolder(anchors, path.dirname(kept), false);
  pauseForTest('before-link', row.source);
  const sourceStats = fs.lstatSync(row.source, { bigint: true, throwIfNoEntry: false });
  if (!sourceStats) return skipped(row, 'source-missing', `${row.source} is gone`);
  if (!sourceStats.isFile()) return skipped(row, 'not-a-regular-file', `${row.source} is no longer a regular file; it was left as it is`);
  const current = readIdentity(row.source);
  if (!current) return skipped(row, 'source-missing', `${row.source} is gone`);
  // Already done (a resumed run): the name points at the kept file.
  if (current.dev === row.destinationDev && current.ino === row.destinationIno) return { id: row.id, state: 'done' };
  if (!sameIdentity(current, row) || (row.ctimeNs && String(sourceStats.ctimeNs) !== row.ctimeNs)) {
    return skipped(row, 'changed-since-plan', `${row.source} changed after it was hashed; search again to include it`);
  }
  const keptRefused = checkKeptFile(row, kept, row.keptDev ?? row.destinationDev, row.keptIno ?? row.destinationIno);
  if (keptRefused) return keptRefused;
  const keptStats = fs.lstatSync(kept, { bigint: true });
  if (String(keptStats.dev) !== current.dev) return skipped(row, 'other-device', `${row.source} and ${kept} are on different devices; a hard link cannot join them`);
  const own = attributesOf(sourceStats);
  const keptAttributes = attributesOf(keptStats);
  if (!sameOwnership(own, keptAttributes)) {
    return skipped(row, 'different-owner-or-mode', `${row.source} (${describeMode(own)}) and ${kept} (${describeMode(keptAttributes)}) differ in permissions, owner or group; a hard link would give one the other's, so it was left as it is`);
  }
  const temporary = temporaryPathFor(row.source, temporaryTag(operationId, row.id, 'execute'));
  fs.rmSync(temporary, { force: true }); // a leftover of an interrupted attempt at this very row
  try {
    fs.linkSync(kept, temporary);
    fs.renameSync(temporary, row.source);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  notedOwnLink(kept);
  return { id: row.id, state: 'done', attributes: { mode: own.mode, uid: own.uid, gid: own.gid, atimeMs: own.atimeMs } };
}

/**
 * Undo: give the duplicate's name a file of its own again, a copy of the kept file, with the name's own
 * permissions, owner and times, written under a temp name and renamed over the link. The copy must still
 * hold the content both had when they were hashed (the group's BLAKE3): an edit made through either name
 * since would otherwise be handed back as the original.
 */
export function rollbackHardlink(row: ActionRow, operationId: string, anchors: readonly string[]): JournalUpdate {
  const kept = row.destination as string;
  const conflict = (reason: string, error: string): JournalUpdate => ({ id: row.id, state: 'rollback_conflict', reason, error });
  ensureRealFolder(anchors, path.dirname(row.source), false);
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
    copyToTemporary(row.source, temporary, placed);
    const copy = readIdentity(temporary);
    if (copy?.size !== row.size) throw new Error(`the copy of ${kept} is incomplete; ${row.source} was left linked`);
    const digest = row.digest ? blake3OfFile(temporary) : undefined;
    if (digest !== undefined && digest !== row.digest) {
      return conflict('content-changed', `${row.source} (linked to ${kept}) no longer holds the content it had when it was linked: it was edited since, with its size and time put back. Both names show the edit, so the original cannot be given back; it was left linked`);
    }
    const descriptor = fs.openSync(temporary, 'r+');
    try {
      const now = attributesOf(fs.fstatSync(descriptor));
      applyAttributes(descriptor, {
        mode: row.mode ?? now.mode, uid: row.uid ?? now.uid, gid: row.gid ?? now.gid, atimeMs: row.atimeMs ?? row.mtimeMs, mtimeMs: row.mtimeMs,
      });
      fs.fsyncSync(descriptor);
    } finally {
      fs.closeSync(descriptor);
    }
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
