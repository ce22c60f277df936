import Database from 'better-sqlite3';
import { BUCKET_INODES, ENTRY_FULL, ENTRY_PREFIX, ENTRY_SUFFIX, entryBytes, entryWriter, packEntries, unpackEntries, writeEntry } from './cache-entries.js';
import { DIGEST_BYTES, NARROW_OFFSET, NARROW_SLOT_BYTES, PART_BITS, PART_BYTES, type SaveCacheResult, type SaveCacheTask } from './content-protocol.js';
import { sqliteBinding } from './sqlite-binding.js';

/** A row not written for this long belongs, most likely, to files long gone: pruned, at most once a day. */
const FORGET_AFTER_MS = 180 * 24 * 3600 * 1000;
const PRUNE_EVERY_MS = 24 * 3600 * 1000;

/**
 * The dirty slots to write, by device, each device's ordered by inode (so each inode bucket is one run). The
 * sort is a native numeric sort of keys packing inode and slot into one double; only inodes too big to share
 * a double with a slot number take a comparator sort. Measured at 1M files: Maps of per-slot arrays, an
 * identity object per slot and a comparator sort per bucket cost ~1.3 s.
 */
/**
 * The inode of a slot's file: the table's column, not a copy by slot (at 1M files that was 8 MB more). The
 * arrays are taken out of the task once: the task is a deserialized message, its property reads are slow.
 */
const inodesOf = (task: SaveCacheTask): ((slot: number) => number) => {
  const { files } = task.slots;
  const { inos } = task.table;
  return (slot) => inos[files[slot] as number] as number;
};

function slotsByInode(task: SaveCacheTask): Array<{ dev: number; slots: Uint32Array }> {
  const { used, dirty, files } = task.slots;
  const { devs, inos } = task.table; // by file number
  // Written: read now (not found in the cache as it was), with an identity under 2^53 (NaN: never cached).
  // One pass collects them and counts them by device (nearly always one: a Map per slot cost ~10 ms at 100k).
  const written = new Uint32Array(used);
  let count = 0;
  const perDevice = new Map<number, number>();
  let lastDev = Number.NaN;
  let lastCount = 0;
  for (let slot = 0; slot < used; slot++) {
    const file = files[slot] as number;
    const dev = devs[file] as number;
    if (dirty[slot] === 0 || Number.isNaN(dev) || Number.isNaN(inos[file] as number)) continue;
    written[count++] = slot;
    if (dev !== lastDev) {
      if (lastCount > 0) perDevice.set(lastDev, (perDevice.get(lastDev) ?? 0) + lastCount);
      lastDev = dev;
      lastCount = 0;
    }
    lastCount++;
  }
  if (lastCount > 0) perDevice.set(lastDev, (perDevice.get(lastDev) ?? 0) + lastCount);
  const slotBits = Math.max(1, Math.ceil(Math.log2(used + 1)));
  const scale = 2 ** slotBits;
  const packable = 2 ** (53 - slotBits);
  return [...perDevice].map(([dev, devCount]) => {
    const slots = perDevice.size === 1 ? written.subarray(0, count) : new Uint32Array(devCount);
    if (perDevice.size > 1) {
      let next = 0;
      for (let index = 0; index < count; index++) if (devs[files[written[index] as number] as number] === dev) slots[next++] = written[index] as number;
    }
    let widest = 0;
    for (let index = 0; index < slots.length; index++) widest = Math.max(widest, inos[files[slots[index] as number] as number] as number);
    if (widest < packable) {
      const keys = new Float64Array(slots.length);
      for (let index = 0; index < slots.length; index++) keys[index] = (inos[files[slots[index] as number] as number] as number) * scale + (slots[index] as number);
      keys.sort();
      for (let index = 0; index < slots.length; index++) slots[index] = (keys[index] as number) % scale;
    } else {
      const inoOf = inodesOf(task);
      slots.sort((a, b) => inoOf(a) - inoOf(b));
    }
    return { dev, slots };
  });
}

/**
 * piscina task: write a search's recorded digests into the hash cache (schema.ts `hash_cache`, entries packed
 * per device and inode bucket by cache-entries.ts) in one transaction, a row per bucket, through a connection
 * of its own; prune old rows once a day. It runs while the main thread reports the groups: at 1M files the
 * writing took ~1.6 s of the main thread's time, most of it SQLite's.
 */
export function writeCacheEntries(task: SaveCacheTask): SaveCacheResult {
  const database = new Database(task.databaseFile, { fileMustExist: true, timeout: 10_000, ...sqliteBinding() });
  try {
    database.pragma('synchronous = NORMAL');
    const write = database.prepare('INSERT OR REPLACE INTO hash_cache (dev, bucket, entries, written_at) VALUES (?, ?, ?, ?)');
    const read = database.prepare('SELECT entries FROM hash_cache WHERE dev = ? AND bucket = ?').pluck();
    const prune = database.prepare('DELETE FROM hash_cache WHERE written_at < ?');
    const prunedAt = database.prepare("SELECT value FROM app_state WHERE key = 'hash_cache_pruned_at'").pluck();
    const setPrunedAt = database.prepare("INSERT OR REPLACE INTO app_state (key, value) VALUES ('hash_cache_pruned_at', ?)");
    const { parts, narrow, times, fullAt, full, files } = task.slots;
    const { sizes } = task.table;
    const { now, nativeFlag } = task;
    const flagsOf = (slot: number): number => {
      const bits = parts[slot] as number;
      // A file of at most PART_BYTES: its prefix digest is its full hash, kept once (as the full one).
      const whole = (sizes[files[slot] as number] as number) <= PART_BYTES;
      return (bits & PART_BITS.prefix && !whole ? ENTRY_PREFIX : 0) | (bits & PART_BITS.suffix ? ENTRY_SUFFIX : 0) | (bits & PART_BITS.full ? ENTRY_FULL : 0) | nativeFlag;
    };
    const source = { prefix: narrow, prefixAt: 0, suffix: narrow, suffixAt: 0, full, fullAt: 0 };
    const digestsOf = (slot: number) => {
      source.prefixAt = slot * NARROW_SLOT_BYTES + NARROW_OFFSET.prefix;
      source.suffixAt = slot * NARROW_SLOT_BYTES + NARROW_OFFSET.suffix;
      source.fullAt = Math.max(0, fullAt[slot] as number) * DIGEST_BYTES;
      return source;
    };
    let rows = 0;
    let flags = new Uint8Array(BUCKET_INODES); // of the bucket being written, by position (a bucket holds one file an inode at most)
    // One buffer for every bucket's blob: a Buffer per bucket (12k at 1M files, ~50 MB in all) stayed resident,
    // as external memory, until a collection came for it.
    let scratch = Buffer.allocUnsafe(BUCKET_INODES * entryBytes(ENTRY_PREFIX | ENTRY_SUFFIX | ENTRY_FULL));
    let writer = entryWriter(scratch);
    database.transaction(() => {
      const inoOf = inodesOf(task);
      for (const { dev, slots: ordered } of slotsByInode(task)) {
        const device = String(dev);
        for (let start = 0; start < ordered.length;) {
          const bucket = Math.floor(inoOf(ordered[start] as number) / BUCKET_INODES);
          let end = start + 1;
          while (end < ordered.length && Math.floor(inoOf(ordered[end] as number) / BUCKET_INODES) === bucket) end++;
          const slots = ordered.subarray(start, end);
          start = end;
          rows++;
          const stored = task.mergeWithStored ? read.get(device, bucket) as Buffer | undefined : undefined;
          if (stored) {
            // Entries of this bucket from earlier searches stay, unless this search read their file anew.
            const fresh = new Set(Array.from(slots, inoOf));
            const entries = unpackEntries(stored).filter((old) => !fresh.has(old.ino));
            for (const slot of slots) {
              const from = digestsOf(slot);
              entries.push({ ino: inoOf(slot), size: sizes[files[slot] as number] as number, times: [...times.subarray(slot * 4, slot * 4 + 4)], flags: flagsOf(slot),
                prefix: narrow.subarray(from.prefixAt), suffix: narrow.subarray(from.suffixAt), full: full.subarray(from.fullAt) });
            }
            write.run(device, bucket, packEntries(entries), now);
            continue;
          }
          // The first search's path: written straight from the packed slots.
          let bytes = 0;
          if (slots.length > flags.length) flags = new Uint8Array(slots.length);
          for (let index = 0; index < slots.length; index++) {
            flags[index] = flagsOf(slots[index] as number);
            bytes += entryBytes(flags[index] as number);
          }
          if (bytes > scratch.length) {
            scratch = Buffer.allocUnsafe(bytes);
            writer = entryWriter(scratch);
          }
          let at = 0;
          for (let index = 0; index < slots.length; index++) {
            const slot = slots[index] as number;
            at = writeEntry(writer, at, inoOf(slot), sizes[files[slot] as number] as number, times, slot * 4, flags[index] as number, digestsOf(slot));
          }
          write.run(device, bucket, scratch.subarray(0, bytes), now); // SQLite copies the bound blob
        }
      }
      if (now - Number(prunedAt.get() ?? 0) >= PRUNE_EVERY_MS) {
        prune.run(now - FORGET_AFTER_MS);
        setPrunedAt.run(String(now));
      }
    })();
    return { rows };
  } finally {
    database.close();
  }
}
