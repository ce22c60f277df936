import path from 'node:path';
import { expect, it } from 'vitest';
import { createFileTableBuilder } from '../src-main/core/dupes/file-table.js';
import { type WireBatch } from '../src-main/core/scan/scan-types.js';

function batch(folders: string[], folderOf: number[], names: string[], sizes: number[] = names.map(() => 10)): WireBatch {
  const count = names.length;
  const numbers = (value: number): Float64Array => new Float64Array(count).fill(value);
  return {
    count, folders, folderOf: Uint32Array.from(folderOf), names: names.join('\0'),
    sizes: Float64Array.from(sizes), mtimesMs: numbers(1_600_000_000_000), devs: numbers(1), inos: Float64Array.from(names, (_, index) => index + 1),
    roots: new Uint16Array(count), wideIds: [],
  };
}

// The table keeps names as UTF-8 bytes and finds a name by its byte offset: names of 1 to 4 bytes a
// character, next to each other, must come back exactly; so must a name UTF-8 cannot hold (an unpaired
// surrogate, which a Windows name can have), kept as the string it came as.
it('gives back every path exactly: ASCII, accented, CJK and emoji names side by side, and a name with an unpaired surrogate', () => {
  const builder = createFileTableBuilder();
  const root = path.join(path.sep, 'tree');
  const other = path.join(root, 'Fotos für Oma');
  const first = ['a.txt', 'é', '日本語の名前.pdf', '😀 smile.png', 'x'];
  const second = ['lone \ud800 half.txt', 'after.txt'];
  builder.add(batch([root, other], [0, 1, 1, 0, 1], first));
  builder.add(batch([other], [0, 0], second));
  const table = builder.finish();
  expect(table.count).toBe(7);
  expect(Array.from({ length: 7 }, (_, file) => table.path(file))).toEqual([
    path.join(root, 'a.txt'), path.join(other, 'é'), path.join(other, '日本語の名前.pdf'), path.join(root, '😀 smile.png'), path.join(other, 'x'),
    path.join(other, 'lone \ud800 half.txt'), path.join(other, 'after.txt'),
  ]);
  // As bytes for a walker (each path then a NUL), in the order asked: the same paths. A task holding the
  // name UTF-8 cannot hold has no bytes (it goes as text).
  const order = [4, 0, 3, 2, 1];
  const bytes = table.pathBytes(order.length, (index) => order[index] as number);
  expect(bytes).toBeInstanceOf(Uint8Array);
  expect(Buffer.from(bytes as Uint8Array).toString('utf8')).toBe(order.map((file) => `${table.path(file)}\0`).join(''));
  expect(table.pathBytes(2, (index) => 5 + index)).toBeUndefined();
});

// Groups by ascending size, files in scan order within each, sizes seen once left out; the same whether
// sizes and file numbers pack into one sortable number or (a size near 2^53 bytes) they do not.
it.each([['sizes that pack with the file numbers', 0], ['a size too big to pack', 2 ** 52]])('groups files by size: %s', (_label, huge) => {
  const builder = createFileTableBuilder();
  const sizes = [30, 10, 20, 10, 30, 5, 10, 0, 0, huge, huge];
  builder.add(batch([path.sep], sizes.map(() => 0), sizes.map((_, index) => `f${index}`), sizes));
  const table = builder.finish();
  const { members, bounds } = table.sameSize((size) => size >= 1);
  const groups = bounds.slice(0, -1).map((start, group) => [...members.subarray(start, bounds[group + 1])]);
  expect(groups).toEqual([[1, 3, 6], [0, 4], ...(huge > 0 ? [[9, 10]] : [])]);
});
