import fs from 'node:fs';
import path from 'node:path';
import { blake3 } from '@napi-rs/blake-hash';
import { describe, expect, it } from 'vitest';
import { CHANGED, DIGEST_BYTES, HASHED, type HashPart, NOT_REGULAR } from '../src-worker/content-protocol.js';
import runContentTask from '../src-worker/content-task.js';
import { nativeModule } from '../src-worker/native-module.js';
import { tempDir, writeTree } from './helpers/temp-tree.js';

/** One task over `files` as a scan saw them at `seen`; its paths as text, or as bytes the way a search sends them. */
async function digest(part: HashPart, files: string[], seen: fs.Stats[], asBytes = false, withIds = false) {
  const result = await runContentTask({
    kind: 'hash', part, paths: asBytes ? Buffer.from(files.map((file) => `${file}\0`).join('')) : files.join('\0'),
    sizes: Float64Array.from(seen, (stats) => stats.size), mtimesMs: Float64Array.from(seen, (stats) => stats.mtimeMs),
    ...(withIds ? { ids: Float64Array.from(seen.flatMap((stats) => [stats.dev, stats.ino])) } : {}),
  });
  return { status: [...result.status], digest: (index: number) => Buffer.from(result.digests.subarray(index * DIGEST_BYTES, (index + 1) * DIGEST_BYTES)).toString('hex') };
}

// Prefix and suffix reads are native here (nativeModule().partDigests); full reads are JavaScript.
describe.each(['prefix', 'suffix', 'full'] as const)('content task, %s', (part) => {
  it('digests equal content alike and other content not', async () => {
    const root = tempDir();
    const big = 'y'.repeat(70_000);
    writeTree(root, { 'a': big, 'b': big, 'c': `${big.slice(0, -1)}z`, 'd': `z${big.slice(1)}` });
    const files = ['a', 'b', 'c', 'd'].map((name) => path.join(root, name));
    const { status, digest: digestOf } = await digest(part, files, files.map((file) => fs.lstatSync(file)));
    expect(status).toEqual([HASHED, HASHED, HASHED, HASHED]);
    expect(digestOf(0)).toBe(digestOf(1));
    // c differs in its last byte, d in its first: the part that reads it tells them apart.
    expect(digestOf(2) === digestOf(0)).toBe(part === 'prefix');
    expect(digestOf(3) === digestOf(0)).toBe(part === 'suffix');
  });

  it('reads the same files whether their paths come as text or as UTF-8 bytes (names of any script)', async () => {
    const root = tempDir();
    const big = 'q'.repeat(70_000);
    writeTree(root, { 'Fotos für Oma/été.txt': big, '日本語/名前.pdf': big, '😀 smile.png': `${big}!`, 'plain': 'small' });
    const files = ['Fotos für Oma/été.txt', '日本語/名前.pdf', '😀 smile.png', 'plain'].map((name) => path.join(root, name));
    const seen = files.map((file) => fs.lstatSync(file));
    const asText = await digest(part, files, seen);
    const asBytes = await digest(part, files, seen, true);
    expect(asBytes.status).toEqual([HASHED, HASHED, HASHED, HASHED]);
    expect(files.map((_, index) => asBytes.digest(index))).toEqual(files.map((_, index) => asText.digest(index)));
    expect(asBytes.digest(0)).toBe(asBytes.digest(1));
  });

  // The full stage reads small, medium and large files three ways (portable BLAKE3, one buffer, streamed).
  it.each([['3 bytes', 3], ['70 KB', 70_000], ['9 MB', 9 * 1024 * 1024]])('drops a file of %s that changed since the scan: other size, other time, gone, or a symlink now', async (_label, size) => {
    const root = tempDir();
    const body = Buffer.alloc(size as number, 'a');
    writeTree(root, { grew: body, touched: body, gone: body, swapped: body, target: body, kept: body });
    const files = ['grew', 'touched', 'gone', 'swapped', 'kept'].map((name) => path.join(root, name));
    const seen = files.map((file) => fs.lstatSync(file));
    fs.appendFileSync(files[0] as string, 'more');
    fs.utimesSync(files[1] as string, new Date(2000, 0, 1), new Date(2000, 0, 1));
    fs.unlinkSync(files[2] as string);
    fs.unlinkSync(files[3] as string);
    fs.symlinkSync(path.join(root, 'target'), files[3] as string);
    const { status, digest: digestOf } = await digest(part, files, seen);
    // A symlink in its place is not the regular file scanned: not followed, not read, and said so (NOT_REGULAR).
    expect(status).toEqual([CHANGED, CHANGED, CHANGED, NOT_REGULAR, HASHED]);
    if (part === 'full') expect(digestOf(4)).toBe(blake3(body).toString('hex'));
  });

  it.each([['3 bytes', 3], ['70 KB', 70_000], ['9 MB', 9 * 1024 * 1024]])('drops a file of %s that is another file now (same size and mtime, another inode) when the scan gave its identity', async (_label, size) => {
    const root = tempDir();
    const body = Buffer.alloc(size as number, 'a');
    writeTree(root, { replaced: body, kept: body, other: Buffer.alloc(size as number, 'b') });
    const files = ['replaced', 'kept'].map((name) => path.join(root, name));
    // Other content under the old name, with the same mtime: only the inode tells.
    for (const name of ['replaced', 'other']) fs.utimesSync(path.join(root, name), 1_600_000_000, 1_600_000_000);
    const seen = files.map((file) => fs.lstatSync(file));
    fs.renameSync(path.join(root, 'other'), files[0] as string);
    expect((await digest(part, files, seen)).status).toEqual([HASHED, HASHED]);
    expect((await digest(part, files, seen, false, true)).status).toEqual([CHANGED, HASHED]);
  });
});

it('the native narrowing reads are built here (not on Windows)', () => {
  expect(typeof nativeModule().partDigests).toBe(process.platform === 'win32' ? 'undefined' : 'function');
});

it.skipIf(!nativeModule().partDigests)('(needs the native module built) the native reads refuse path bytes whose last path has no NUL after it', () => {
  const partDigests = nativeModule().partDigests as NonNullable<ReturnType<typeof nativeModule>['partDigests']>;
  const call = (): number => partDigests(Buffer.from('/a\0/b'), new Float64Array(2), new Float64Array(2), 0, new Uint8Array(64), new Uint8Array(2), new Int32Array(2), new Float64Array(8));
  expect(call).toThrow(/followed by a NUL/);
});
