import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A small tree with planted duplicate groups and decoys, and the groups a correct search must find. Sizes
 * straddle the search's stage limits (4 KiB prefix, 64 KiB suffix threshold); decoys share a size and their
 * first 4 KiB with a planted file (and, above 64 KiB, their last 4 KiB too) but differ in the middle.
 */
export function plantDuplicates(root: string, seed: number): { groups: string[][]; files: number } {
  let state = seed;
  const random = (): number => { state = (state * 1103515245 + 12345) % 2147483648; return state / 2147483648; };
  const sizes = [1, 100, 4095, 4096, 4097, 9000, 65536, 65537, 200_000];
  const folders = ['', 'a', 'a/b', 'c', 'c/d/e'];
  const groups: string[][] = [];
  let files = 0;
  const write = (relative: string, content: Buffer): string => {
    const full = path.join(root, relative);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
    files++;
    return full;
  };
  sizes.forEach((size, sizeIndex) => {
    const content = crypto.createHash('sha256').update(`planted ${seed} ${size}`).digest();
    const body = Buffer.alloc(size, content);
    const copies = 2 + Math.floor(random() * 3);
    const group: string[] = [];
    for (let copy = 0; copy < copies; copy++) group.push(write(`${folders[(sizeIndex + copy) % folders.length]}/dup-${size}-${copy}.bin`, body));
    groups.push(group.sort());
    // A decoy: same size, same first and last 4 KiB when it can, one byte different in the middle.
    if (size > 2) {
      const decoy = Buffer.from(body);
      const middle = Math.floor(size / 2);
      decoy[middle] = (decoy[middle] as number) ^ 0xff;
      write(`c/decoy-${size}.bin`, decoy);
    }
    // A unique file of the same size. Random bytes can equal the planted ones (a 1-byte file: once in 256 runs,
    // which made it a copy, found and quarantined): then its first byte is turned.
    const unique = crypto.randomBytes(size);
    if (unique.equals(body)) unique[0] = (unique[0] as number) ^ 0xff;
    write(`a/unique-${size}.bin`, unique);
  });
  return { groups, files };
}
