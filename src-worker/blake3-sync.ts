import { createRequire } from 'node:module';
import { openRegularFile } from './open-regular-file.js';
import fs from 'node:fs';

interface NativeHasher { update(input: Uint8Array): NativeHasher; digest(format?: 'hex'): string }
interface BlakeHash { Blake3Hasher: new () => NativeHasher }

let loaded: BlakeHash | null | undefined;
const blakeHash = (): BlakeHash | null => {
  if (loaded === undefined) {
    try { loaded = createRequire(import.meta.url)('@napi-rs/blake-hash') as BlakeHash; } catch { loaded = null; }
  }
  return loaded;
};

const buffer = Buffer.allocUnsafe(1 << 20);

/**
 * BLAKE3 (hex) of a file, read synchronously on a file-action thread: undo proves with it that what it gives
 * back is the content the duplicate search hashed. undefined where the native hasher cannot load (there the
 * undo falls back to comparing size and time).
 */
export function blake3OfFile(file: string): string | undefined {
  const module = blakeHash();
  if (!module) return undefined;
  const hasher = new module.Blake3Hasher();
  const { descriptor } = openRegularFile(file);
  try {
    for (let got; (got = fs.readSync(descriptor, buffer, 0, buffer.length, null)) > 0;) hasher.update(buffer.subarray(0, got));
  } finally {
    fs.closeSync(descriptor);
  }
  return hasher.digest('hex');
}
