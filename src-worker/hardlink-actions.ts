import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { blake3OfFile } from './blake3-sync.js';
import { attributesOf, sameOwnership } from './file-attributes.js';
import { readIdentity, sameIdentity } from './file-identity.js';
import { copyToTemporary, removeTemporary, temporaryPathFor } from './file-transfer.js';
import { checkKeptFile, notedOwnLink } from './kept-file.js';
import { anchoredLinkOver, anchoredRenameOver, systemError } from './native-moves.js';
import { folderRefused, type FolderChecks } from './real-folders.js';
import { type ActionRow, type JournalUpdate, temporaryTag } from './row-actions.js';
import { pauseForTest } from './test-pause.js';

/**
 * Duplicate resolution by hard link: the duplicate's name is made to point at the kept file of its group.
 * The link is made under a temp name beside the duplicate and renamed over it, so the name always holds one
 * of two identical contents and a failure at any step loses nothing. The duplicate's own inode goes with the
 * rename: that is the one unlink of a file this action makes, and only after checking, at the last moment,
 * that the file is still exactly as hashed (size, mtime, inode and ctime), that the kept file still is the one
 * hashed (see kept-file.ts), that the temp name holds the kept file, and that both have the same owner, group
 * and permissions (as jdupes -p asks: a link must not give a file another's).
 *
 * The link and the rename replace a name, so they are never made by path where the native module is loaded:
 * another user who may write a folder of the tree could swap it for a symlink after the checks, and the rename
 * would then replace a file wherever the symlink points (issue 16's probe, a run as root). The native link over
 * and rename over (native/fast-move.c) open both folders from their anchors without following a symlink and
 * check and act relative to them. Without the module (Windows, FILEORG_NATIVE=off) the folders are checked again
 * by lstat just before the link and the rename: that narrows the window, it cannot close it.
 *
 * The temp name is a hard link to the kept file, so it is made only in a folder no other user can rename entries
 * in: this process's own, writable by no one else unless sticky. Elsewhere another user could take the temp name
 * away as it appears and keep a lasting link to the kept file, wherever that lies (issue 16's re-probe: from a
 * shared 0777 folder, links to files in a root-only one). Natively that is checked on the folder's descriptor.
 * Undo's temp name is a copy of its own, with the name's own permissions, so taking it gives no one more than the
 * name did; its folder is not checked there, as refusing would leave the link in place.
 */

const skipped = (row: ActionRow, reason: string, error: string): JournalUpdate => ({ id: row.id, state: 'skipped', reason, error });
const describeMode = (attributes: { mode: number; uid: number; gid: number }): string =>
  `${attributes.mode.toString(8).padStart(4, '0')} ${attributes.uid}:${attributes.gid}`;
const sameCtime = (a: fs.BigIntStats | undefined, b: fs.BigIntStats): boolean => a !== undefined && a.ino === b.ino && a.dev === b.dev && a.ctimeNs === b.ctimeNs;
const { EEXIST, ENOENT } = os.constants.errno;

/**
 * May another user rename entries in the folder so stated: is it not ours, or writable by group or others and not
 * sticky? The same rule as others_can_rename_in in native/fast-move.c. Never on Windows, which has no uid to compare.
 */
function othersCanRenameIn(folder: fs.Stats): boolean {
  const ours = process.geteuid?.();
  if (ours === undefined) return false;
  return folder.uid !== ours || ((folder.mode & 0o022) !== 0 && (folder.mode & 0o1000) === 0);
}

/** The kept file, its duplicate and the temp name of one hard link, as the checks before it found them. */
interface LinkPlan {
  row: ActionRow;
  kept: string;
  temporary: string;
  keptStats: fs.BigIntStats;
  sourceStats: fs.BigIntStats;
}

const keptReplaced = ({ row, kept }: LinkPlan): JournalUpdate =>
  skipped(row, 'kept-file-changed', `${kept}, the copy to keep, was replaced just before linking; ${row.source} was left as it is`);
const changedJustBefore = ({ row }: LinkPlan): JournalUpdate =>
  skipped(row, 'changed-during-move', `${row.source} changed just before it was linked; it was left as it is`);
const folderShared = ({ row }: LinkPlan): JournalUpdate =>
  skipped(row, 'folder-others-can-write', `${path.dirname(row.source)} belongs to another user or others may write in it, so they could take the link's temp name; `
    + `hard links are made only in folders no one else can change: make the folder yours and not writable by others, or quarantine the duplicates instead (--quarantine without --hardlink); ${row.source} was left as it is`);

/** The link and the rename over the duplicate in one native call, relative to folders opened without following a symlink. */
function linkOverAnchored(plan: LinkPlan, keptAnchor: number, sourceAnchor: number): JournalUpdate | undefined {
  const { row, kept, temporary, keptStats, sourceStats } = plan;
  // Tests stop here, between the checks and the link: the duplicate's inode goes with the rename over it.
  pauseForTest('before-unlink', row.source);
  const checks = { fromDev: String(keptStats.dev), fromIno: String(keptStats.ino), ctimeNs: String(sourceStats.ctimeNs) };
  const answer = anchoredLinkOver(kept, temporary, row.source, row, checks, keptAnchor, sourceAnchor);
  if (answer.outcome === 'moved') return undefined;
  if (answer.outcome === 'refused') throw folderRefused(answer.folder, answer.symlink);
  if (answer.outcome === 'taken') throw systemError(EEXIST, 'link', kept, temporary);
  if (answer.folderShared) return folderShared(plan);
  if (answer.fromChanged) return keptReplaced(plan);
  if (answer.errno === 0 || answer.errno === ENOENT) return changedJustBefore(plan);
  throw systemError(answer.errno, 'link', kept, temporary);
}

/**
 * The same by path, where the native module is not loaded: each folder is checked again (lstat, against the
 * folder first checked) just before the link and the rename, which narrows the window a swapped folder needs
 * but cannot close it.
 */
function linkOverByPath(plan: LinkPlan, folders: FolderChecks): JournalUpdate | undefined {
  const { row, kept, temporary, keptStats, sourceStats } = plan;
  if (!folders.real(path.dirname(row.source), false)) return changedJustBefore(plan);
  if (!folders.real(path.dirname(kept), false)) return keptReplaced(plan);
  const folder = fs.lstatSync(path.dirname(row.source), { throwIfNoEntry: false });
  if (!folder) return changedJustBefore(plan);
  if (othersCanRenameIn(folder)) return folderShared(plan);
  pauseForTest('before-unlink', row.source); // as in linkOverAnchored: after the last check, before the link
  fs.linkSync(kept, temporary);
  // The temp name must be the kept file (not another put at its path since the check), and the duplicate
  // untouched since it was checked: its content goes with the rename.
  const linked = fs.lstatSync(temporary, { bigint: true });
  if (linked.ino !== keptStats.ino || linked.dev !== keptStats.dev) return keptReplaced(plan);
  if (!sameCtime(fs.lstatSync(row.source, { bigint: true, throwIfNoEntry: false }), sourceStats)) return changedJustBefore(plan);
  if (!folders.real(path.dirname(row.source), false)) return changedJustBefore(plan);
  fs.renameSync(temporary, row.source);
  return undefined;
}

export function executeHardlink(row: ActionRow, operationId: string, folders: FolderChecks): JournalUpdate {
  const kept = row.destination as string;
  pauseForTest('before-link', row.source);
  // Both folders are checked now, at the moment of use: a folder swapped for a symlink is not written through.
  if (!folders.real(path.dirname(row.source), false)) return skipped(row, 'source-missing', `${row.source} is gone`);
  if (!folders.real(path.dirname(kept), false)) return skipped(row, 'kept-file-changed', `${kept}, the copy to keep, is gone; ${row.source} was left as it is`);
  // Already done (a resumed run): the name points at the kept file.
  const already = readIdentity(row.source);
  if (already && already.dev === row.destinationDev && already.ino === row.destinationIno) return { id: row.id, state: 'done' };
  // The kept file first: proving it may mean reading it whole, and the duplicate is checked after that.
  const keptRefused = checkKeptFile(row, kept, row.keptDev ?? row.destinationDev, row.keptIno ?? row.destinationIno);
  if (keptRefused) return keptRefused;
  const sourceStats = fs.lstatSync(row.source, { bigint: true, throwIfNoEntry: false });
  if (!sourceStats) return skipped(row, 'source-missing', `${row.source} is gone`);
  if (!sourceStats.isFile()) return skipped(row, 'not-a-regular-file', `${row.source} is no longer a regular file; it was left as it is`);
  const current = readIdentity(row.source);
  if (!current) return skipped(row, 'source-missing', `${row.source} is gone`);
  if (!sameIdentity(current, row) || (row.ctimeNs && String(sourceStats.ctimeNs) !== row.ctimeNs)) {
    return skipped(row, 'changed-since-plan', `${row.source} changed after it was hashed; search again to include it`);
  }
  const keptStats = fs.lstatSync(kept, { bigint: true });
  if (String(keptStats.dev) !== current.dev) return skipped(row, 'other-device', `${row.source} and ${kept} are on different devices; a hard link cannot join them`);
  const own = attributesOf(sourceStats);
  const keptAttributes = attributesOf(keptStats);
  if (!sameOwnership(own, keptAttributes)) {
    return skipped(row, 'different-owner-or-mode', `${row.source} (${describeMode(own)}) and ${kept} (${describeMode(keptAttributes)}) differ in permissions, owner or group; a hard link would give one the other's, so it was left as it is`);
  }
  const temporary = temporaryPathFor(row.source, temporaryTag(operationId, row.id, 'execute'));
  removeTemporary(temporary, undefined, folders); // a leftover of an interrupted attempt at this very row
  const plan: LinkPlan = { row, kept, temporary, keptStats, sourceStats };
  const keptAnchor = folders.nativeAnchorOf(kept);
  const sourceAnchor = folders.nativeAnchorOf(row.source);
  try {
    const refused = keptAnchor > 0 && sourceAnchor > 0 ? linkOverAnchored(plan, keptAnchor, sourceAnchor) : linkOverByPath(plan, folders);
    if (refused) return refused;
  } finally {
    removeTemporary(temporary, undefined, folders);
  }
  notedOwnLink(kept);
  return { id: row.id, state: 'done', attributes: { mode: own.mode, uid: own.uid, gid: own.gid, atimeMs: own.atimeMs } };
}

/**
 * Undo: give the duplicate's name a file of its own again, a copy of the kept file, with the name's own
 * permissions, owner and times, written under a temp name and renamed over the link. The copy must still
 * hold the content both had when they were hashed (the group's BLAKE3): an edit made through either name
 * since would otherwise be handed back as the original. Where BLAKE3 cannot load, size and mtime decide.
 */
export function rollbackHardlink(row: ActionRow, operationId: string, folders: FolderChecks): JournalUpdate {
  const kept = row.destination as string;
  const conflict = (reason: string, error: string): JournalUpdate => ({ id: row.id, state: 'rollback_conflict', reason, error });
  if (!folders.real(path.dirname(row.source), false)) return conflict('missing', `${row.source} is no longer there`);
  const checked = fs.lstatSync(row.source, { bigint: true, throwIfNoEntry: false });
  const placed = readIdentity(row.source);
  if (!placed || !checked) return conflict('missing', `${row.source} is no longer there`);
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
  removeTemporary(temporary, undefined, folders);
  let ours: bigint | undefined;
  try {
    const now = attributesOf(checked);
    // The name's own attributes go on the copy through its descriptor, as it is written; the copy is created
    // relative to its folder opened without following a symlink, where the module is loaded.
    ours = copyToTemporary(row.source, temporary, placed, {
      mode: row.mode ?? now.mode, uid: row.uid ?? now.uid, gid: row.gid ?? now.gid, atimeMs: row.atimeMs ?? row.mtimeMs, mtimeMs: row.mtimeMs,
    }, folders).ino;
    const digest = row.digest ? blake3OfFile(temporary) : undefined;
    if (digest !== undefined && digest !== row.digest) {
      return conflict('content-changed', `${row.source} (linked to ${kept}) no longer holds the content it had when it was linked: it was edited since, with its size and time put back. Both names show the edit, so the original cannot be given back; it was left linked`);
    }
    const changedMeanwhile = (): JournalUpdate => conflict('changed-since-organize', `${row.source} changed while undo copied it; it was left as it is`);
    const anchor = folders.nativeAnchorOf(row.source);
    if (anchor > 0) {
      // The last moment, relative to the folder opened without following a symlink: the name still the link
      // that was checked (not a file saved there since), the temp name still our copy, then the rename.
      pauseForTest('after-copy', row.source);
      // The copy lies beside the link, in the same folder: on its device.
      const answer = anchoredRenameOver(temporary, row.source, placed, { fromDev: placed.dev, fromIno: String(ours), ctimeNs: String(checked.ctimeNs) }, anchor, anchor);
      if (answer.outcome === 'refused') throw folderRefused(answer.folder, answer.symlink);
      if (answer.outcome === 'not-done' && answer.errno !== 0 && answer.errno !== ENOENT) throw systemError(answer.errno, 'rename', temporary, row.source);
      if (answer.outcome !== 'moved') return changedMeanwhile();
    } else {
      // By path (no native module): the folder checked again just before the rename narrows the window, it
      // cannot close it.
      if (!folders.real(path.dirname(row.source), false) || !sameCtime(fs.lstatSync(row.source, { bigint: true, throwIfNoEntry: false }), checked)
        || fs.lstatSync(temporary, { bigint: true, throwIfNoEntry: false })?.ino !== ours) return changedMeanwhile();
      pauseForTest('after-copy', row.source);
      fs.renameSync(temporary, row.source);
    }
  } finally {
    removeTemporary(temporary, ours, folders);
  }
  return { id: row.id, state: 'rolled_back' };
}

/** Recovery: what a hardlink row reached before a crash (undefined: untouched). */
export function settleHardlink(row: ActionRow, operationId: string, phase: 'execute' | 'rollback', folders: FolderChecks): JournalUpdate | undefined {
  removeTemporary(temporaryPathFor(row.source, temporaryTag(operationId, row.id, phase)), undefined, folders); // a link or a partial copy: ours
  const placed = readIdentity(row.source);
  const linked = placed !== undefined && placed.dev === row.destinationDev && placed.ino === row.destinationIno;
  if (phase === 'execute') return linked ? { id: row.id, state: 'done' } : undefined;
  return placed && !linked ? { id: row.id, state: 'rolled_back' } : undefined;
}
