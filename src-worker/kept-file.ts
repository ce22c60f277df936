import fs from 'node:fs';
import { blake3OfFile } from './blake3-sync.js';
import { type ActionRow, type JournalUpdate } from './row-actions.js';
import { millisecondsOf } from './stat-times.js';

/**
 * The file kept in a duplicate's group must still be the file that was hashed before any other file of the
 * group goes to the quarantine or becomes a link to it: otherwise the last copy of that content could go.
 *
 * Linking a file moves the kept file's ctime (its link count changes), and so does a chmod; an edit with its
 * size and mtime put back moves it too. So a ctime this thread's own link left is accepted as is, and any other
 * moved ctime only when the kept file's content still hashes to the group's digest.
 */

/** Per thread and chunk: a kept file's ctime after a link this thread made to it, or proven by its content. */
const provenCtimes = new Map<string, string>();

/** A chunk starts: what was proven for the last one is not trusted for this one. */
export function forgetProvenKeptFiles(): void {
  provenCtimes.clear();
}

const sameTimes = (stats: fs.BigIntStats, row: ActionRow): boolean => Number(stats.size) === row.size && millisecondsOf(stats.mtimeNs) === row.keptMtimeMs;

/** The refusal for a row whose kept file is no longer the one hashed; undefined when it is safe to act. */
export function checkKeptFile(row: ActionRow, kept: string, keptDev: string | null | undefined, keptIno: string | null | undefined): JournalUpdate | undefined {
  const refuse = (detail: string): JournalUpdate => ({ id: row.id, state: 'skipped', reason: 'kept-file-changed',
    error: `${kept}, the copy to keep, ${detail}; ${row.source} was left as it is, so no content is lost. Search again to resolve this group` });
  const stats = fs.lstatSync(kept, { bigint: true, throwIfNoEntry: false });
  if (!stats) return refuse('is gone since it was hashed');
  // Rows journaled before the kept file's identity was recorded (an older version) check what they have.
  const identityKnown = keptDev != null && keptIno != null;
  if (!stats.isFile() || (identityKnown && (String(stats.dev) !== keptDev || String(stats.ino) !== keptIno))) return refuse('was replaced since it was hashed');
  if (!sameTimes(stats, row)) return refuse('was edited since it was hashed');
  const ctime = String(stats.ctimeNs);
  if (!row.keptCtimeNs || ctime === row.keptCtimeNs || provenCtimes.get(kept) === ctime) return undefined;
  if (!row.digest) return refuse('was touched since it was hashed, and its content cannot be compared');
  const digest = blake3OfFile(kept);
  if (digest === undefined) return refuse('was touched since it was hashed, and this system cannot hash it to prove its content (no BLAKE3)');
  if (digest !== row.digest) return refuse('was edited since it was hashed (its size and time were put back)');
  // Proven only if nothing touched it while it was read.
  const after = fs.lstatSync(kept, { bigint: true, throwIfNoEntry: false });
  if (!after || String(after.ctimeNs) !== ctime || after.ino !== stats.ino || !sameTimes(after, row)) return refuse('changed while its content was compared');
  provenCtimes.set(kept, ctime);
  return undefined;
}

/** Remember the kept file's ctime after a link this thread made to it (its own change, not an edit). */
export function notedOwnLink(kept: string): void {
  const stats = fs.lstatSync(kept, { bigint: true, throwIfNoEntry: false });
  if (stats) provenCtimes.set(kept, String(stats.ctimeNs));
}
