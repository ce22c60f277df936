import fs from 'node:fs';
import { nativeBlake3 } from './blake3.js';
import { openRegularFile } from './open-regular-file.js';

const buffer = Buffer.allocUnsafe(1 << 20);

/**
 * BLAKE3 (hex) of a file, read synchronously on a file-action thread: the duplicate actions prove with it that a
 * kept file, or what undo gives back, is still the content the search hashed. undefined where the native hasher
 * cannot load (the WASM one is asynchronous); the callers then refuse what they cannot prove.
 */
export function blake3OfFile(file: string): string | undefined {
  const native = nativeBlake3();
  if (!native) return undefined;
  const hasher = new native.Blake3Hasher();
  const { descriptor } = openRegularFile(file);
  try {
    for (let got; (got = fs.readSync(descriptor, buffer, 0, buffer.length, null)) > 0;) hasher.update(buffer.subarray(0, got));
  } finally {
    fs.closeSync(descriptor);
  }
  return hasher.digest('hex');
}
