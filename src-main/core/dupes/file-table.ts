import { joinPath } from '../scan/join-path.js';
import { type WireBatch } from '../scan/scan-types.js';

/**
 * Every scanned file of a duplicate search, packed: numbers in typed arrays indexed by file number, each folder
 * once, and the names as each batch of 512 came from the walkers (NUL-joined), kept as UTF-8 bytes, with each
 * file's offset into its batch. A million files cost about 45 MiB of arrays plus the names, and no object per
 * file. (As strings, the names took twice their UTF-8 size: one name that is not Latin-1 makes its whole
 * batch a two-byte string, and 19% of the benchmark's names are not ASCII: 41 MB of strings against 21.)
 */
export interface FileTable {
  readonly count: number;
  size(file: number): number;
  mtimeMs(file: number): number;
  /** device and inode as one key: two names of one file (hard links) have the same */
  identity(file: number): string;
  /** device and inode as exact numbers; NaN when either passes 2^53 (kept as text only) */
  devNumber(file: number): number;
  inoNumber(file: number): number;
  /** are the two one file under two names (same device and inode)? */
  sameFile(a: number, b: number): boolean;
  path(file: number): string;
  /**
   * The paths of `count` files (`fileAt(0 .. count - 1)`) as UTF-8, each followed by a NUL, in a buffer of
   * their own (it can be transferred to a thread); undefined when a name has no UTF-8 form (see below).
   */
  pathBytes(count: number, fileAt: (index: number) => number): Uint8Array | undefined;
  /**
   * Sizes, devices and inodes by file number, for the thread that saves the hash cache: their buffers are
   * transferred there, so the table must not be used after this (it is the search's last use of it).
   */
  giveUpColumns(): { sizes: Float64Array; devs: Float64Array; inos: Float64Array };
  /**
   * The files whose size passes `keep` and is shared with another such file, grouped by size: group g is
   * members[bounds[g] .. bounds[g + 1]), groups by ascending size, files in scan order within a group.
   */
  sameSize(keep: (size: number) => boolean): { members: Uint32Array; bounds: number[] };
}

export function createFileTableBuilder() {
  let capacity = 1 << 16;
  let count = 0;
  let sizes = new Float64Array(capacity);
  let mtimes = new Float64Array(capacity);
  let devs = new Float64Array(capacity);
  let inos = new Float64Array(capacity);
  let batchOf = new Uint32Array(capacity);
  let nameStart = new Uint32Array(capacity);
  let folderOf = new Uint32Array(capacity);
  // A batch whose names are not well-formed UTF-16 (an unpaired surrogate, possible on Windows) stays a
  // string: as UTF-8 it could not be given back as it was.
  const batchNames: Array<Buffer | string> = [];
  const folders: string[] = [];
  const folderIndex = new Map<string, number>();
  /** each folder's UTF-8 with the separator a name follows it by (joinPath's), made when first asked */
  const folderBytes: Buffer[] = [];
  const folderPrefix = (folder: number): Buffer => {
    let bytes = folderBytes[folder];
    if (!bytes) {
      const text = folders[folder] as string;
      bytes = Buffer.from(joinPath(text, ''), 'utf8');
      folderBytes[folder] = bytes;
    }
    return bytes;
  };
  const wideIds = new Map<number, string>();

  const grow = (needed: number): void => {
    if (needed <= capacity) return;
    while (capacity < needed) capacity *= 2;
    const widen = <T extends Float64Array | Uint32Array>(old: T, make: (length: number) => T): T => { const next = make(capacity); next.set(old); return next; };
    sizes = widen(sizes, (length) => new Float64Array(length));
    mtimes = widen(mtimes, (length) => new Float64Array(length));
    devs = widen(devs, (length) => new Float64Array(length));
    inos = widen(inos, (length) => new Float64Array(length));
    batchOf = widen(batchOf, (length) => new Uint32Array(length));
    nameStart = widen(nameStart, (length) => new Uint32Array(length));
    folderOf = widen(folderOf, (length) => new Uint32Array(length));
  };

  return {
    add(batch: WireBatch): void {
      if (batch.count === 0) return;
      grow(count + batch.count);
      const batchNumber = batchNames.length;
      const names = batch.names.isWellFormed() ? Buffer.from(batch.names, 'utf8') : batch.names;
      batchNames.push(names);
      // The batch's folders as indexes into the table's own list (a folder can span batches).
      const local = batch.folders.map((folder) => {
        let index = folderIndex.get(folder);
        if (index === undefined) { index = folders.length; folders.push(folder); folderIndex.set(folder, index); }
        return index;
      });
      sizes.set(batch.sizes.subarray(0, batch.count), count);
      mtimes.set(batch.mtimesMs.subarray(0, batch.count), count);
      devs.set(batch.devs.subarray(0, batch.count), count);
      inos.set(batch.inos.subarray(0, batch.count), count);
      let offset = 0;
      for (let index = 0; index < batch.count; index++) {
        batchOf[count + index] = batchNumber;
        nameStart[count + index] = offset;
        folderOf[count + index] = local[batch.folderOf[index] as number] as number;
        offset = typeof names === 'string' ? names.indexOf('\0', offset) + 1 : names.indexOf(0, offset) + 1;
      }
      for (const wide of batch.wideIds) wideIds.set(count + wide.index, `${wide.dev}:${wide.ino}`);
      count += batch.count;
    },
    finish(): FileTable {
      const total = count;
      /** sameSize for sizes too big to pack: sort the sizes alone, number each size that occurs twice or more, place files by count */
      const sameSizeByMap = (keep: (size: number) => boolean): { members: Uint32Array; bounds: number[] } => {
        const kept = new Float64Array(total);
        let keptCount = 0;
        for (let file = 0; file < total; file++) if (keep(sizes[file] as number)) kept[keptCount++] = sizes[file] as number;
        const sorted = kept.subarray(0, keptCount).sort();
        const groupOf = new Map<number, number>();
        const bounds: number[] = [0];
        for (let start = 0; start < sorted.length;) {
          let end = start + 1;
          while (end < sorted.length && sorted[end] === sorted[start]) end++;
          if (end - start > 1) { groupOf.set(sorted[start] as number, bounds.length - 1); bounds.push((bounds[bounds.length - 1] as number) + end - start); }
          start = end;
        }
        const members = new Uint32Array(bounds[bounds.length - 1] as number);
        const cursor = bounds.slice(0, -1);
        for (let file = 0; file < total; file++) {
          const group = groupOf.get(sizes[file] as number);
          if (group !== undefined) members[(cursor[group] as number)++] = file;
        }
        return { members, bounds };
      };
      /** Where file's name is in its batch's names: [start, end). */
      const nameEnd = (file: number, names: Buffer | string): number =>
        (file + 1 < total && batchOf[file + 1] === batchOf[file] ? (nameStart[file + 1] as number) - 1 : names.length);
      return {
        count: total,
        size: (file) => sizes[file] as number,
        mtimeMs: (file) => mtimes[file] as number,
        identity: (file) => wideIds.get(file) ?? `${devs[file]}:${inos[file]}`,
        // Wide identities are NaN in the arrays (the walker sends them as text).
        devNumber: (file) => devs[file] as number,
        inoNumber: (file) => inos[file] as number,
        // Wide identities are NaN in the arrays (never equal): those few compare as text.
        sameFile: (a, b) => (devs[a] === devs[b] && inos[a] === inos[b]) || (wideIds.size > 0 && wideIds.has(a) && wideIds.get(a) === wideIds.get(b)),
        path(file) {
          const names = batchNames[batchOf[file] as number] as Buffer | string;
          const start = nameStart[file] as number;
          const end = nameEnd(file, names);
          const name = typeof names === 'string' ? names.slice(start, end) : names.toString('utf8', start, end);
          return joinPath(folders[folderOf[file] as number] as string, name);
        },
        // Bytes copied from the folder's and the batch's UTF-8 (no string per path). A batch kept as text holds
        // a name that is not well-formed UTF-16 (possible on Windows only): such a task's paths go as text.
        pathBytes(count, fileAt) {
          let length = 0;
          for (let index = 0; index < count; index++) {
            const file = fileAt(index);
            const names = batchNames[batchOf[file] as number] as Buffer | string;
            if (typeof names === 'string') return undefined;
            length += folderPrefix(folderOf[file] as number).length + nameEnd(file, names) - (nameStart[file] as number) + 1;
          }
          // Copied byte by byte: the pieces are short (a name, a folder), and Buffer#copy's per-call cost was
          // most of this (profiled: ~110 ms of the main thread at 100k files against ~20).
          const bytes = new Uint8Array(length); // its own buffer, not Buffer's shared pool: it is transferred
          let at = 0;
          for (let index = 0; index < count; index++) {
            const file = fileAt(index);
            const folder = folderPrefix(folderOf[file] as number);
            for (let byte = 0; byte < folder.length; byte++) bytes[at++] = folder[byte] as number;
            const names = batchNames[batchOf[file] as number] as Buffer;
            const end = nameEnd(file, names);
            for (let byte = nameStart[file] as number; byte < end; byte++) bytes[at++] = names[byte] as number;
            bytes[at++] = 0;
          }
          return bytes;
        },
        giveUpColumns: () => ({ sizes, devs, inos }),
        sameSize(keep) {
          // One native sort of keys packing size and file number (size * 2^bits + file), not a comparator sort
          // of file numbers (~0.3 s at 1M files) nor a Map from size to group (~50 ms at 100k, run once, so
          // never optimized): sorted, each size's files are one run, in scan order. Sizes too big to share a
          // double with a file number (past 8 GiB at 1M files) take the Map path.
          const bits = Math.max(1, Math.ceil(Math.log2(total + 1)));
          const scale = 2 ** bits;
          let largest = 0;
          let keptCount = 0;
          for (let file = 0; file < total; file++) {
            const size = sizes[file] as number;
            if (!keep(size)) continue;
            keptCount++;
            if (size > largest) largest = size;
          }
          if (largest >= 2 ** (53 - bits)) return sameSizeByMap(keep);
          const keys = new Float64Array(keptCount);
          let next = 0;
          for (let file = 0; file < total; file++) if (keep(sizes[file] as number)) keys[next++] = (sizes[file] as number) * scale + file;
          keys.sort();
          const members = new Uint32Array(keptCount);
          const bounds: number[] = [0];
          let count = 0;
          for (let start = 0; start < keptCount;) {
            const size = Math.floor((keys[start] as number) / scale);
            let end = start + 1;
            while (end < keptCount && Math.floor((keys[end] as number) / scale) === size) end++;
            if (end - start > 1) {
              for (let at = start; at < end; at++) members[count++] = (keys[at] as number) % scale;
              bounds.push(count);
            }
            start = end;
          }
          return { members: members.subarray(0, count), bounds };
        },
      };
    },
  };
}
