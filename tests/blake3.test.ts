import fs from 'node:fs';
import path from 'node:path';
import { createBLAKE3 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { createBlake3 } from '../src-worker/blake3.js';
import { nativeModule } from '../src-worker/native-module.js';

// The official vectors (tests/fixtures, from the BLAKE3 repository): input i % 251 for each length.
const vectors = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'blake3-test-vectors.json'), 'utf8')) as { cases: { input_len: number; hash: string }[] };
const inputOf = (length: number): Uint8Array => Uint8Array.from({ length }, (_, index) => index % 251);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

async function backend(name: 'native' | 'wasm') {
  const saved = process.env.FILEORG_BLAKE3;
  if (name === 'wasm') process.env.FILEORG_BLAKE3 = 'wasm';
  try { return await createBlake3(); } finally { if (saved === undefined) delete process.env.FILEORG_BLAKE3; else process.env.FILEORG_BLAKE3 = saved; }
}

describe('BLAKE3', () => {
  it('loads the native binding here, and the WASM fallback when asked', async () => {
    expect((await backend('native')).backend).toBe('native');
    expect((await backend('wasm')).backend).toBe('wasm');
  });

  it.each(['native', 'wasm'] as const)('%s: gives the official test vectors (first 32 bytes), whole or fed in uneven pieces', async (name) => {
    const hasher = await backend(name);
    for (const { input_len: length, hash } of vectors.cases) {
      const input = inputOf(length);
      hasher.reset();
      hasher.update(input);
      expect(hex(hasher.digest()), `length ${length}`).toBe(hash.slice(0, 64));
      hasher.reset();
      for (let offset = 0; offset < length; offset += 1000) hasher.update(input.subarray(offset, offset + 1000));
      expect(hex(hasher.digest()), `length ${length} in pieces`).toBe(hash.slice(0, 64));
    }
    expect(vectors.cases).toHaveLength(22);
  });

  it('the WASM build also gives the vectors\' extended output, so the vectors file itself is whole', async () => {
    for (const { input_len: length, hash } of vectors.cases) {
      const extended = await createBLAKE3(hash.length * 4);
      extended.update(inputOf(length));
      expect(extended.digest('hex')).toBe(hash);
    }
  });

  it('native and WASM agree on random data of many sizes', async () => {
    const [native, wasm] = [await backend('native'), await backend('wasm')];
    for (const length of [0, 1, 63, 64, 65, 4095, 4096, 4097, 65536, 1 << 20, (1 << 20) + 3]) {
      const data = new Uint8Array(length).map(() => Math.floor(Math.random() * 256));
      native.reset(); native.update(data);
      wasm.reset(); wasm.update(data);
      expect(hex(native.digest())).toBe(hex(wasm.digest()));
    }
  });
});

// The native module's own portable BLAKE3 hashes whole small files in the full stage (native/blake3-portable.c).
describe('the native module\'s portable BLAKE3', () => {
  const portable = nativeModule().blake3;
  it('is built here (not on Windows, where the JavaScript hashing serves)', () => {
    expect(typeof portable).toBe(process.platform === 'win32' ? 'undefined' : 'function');
  });
  it.skipIf(!portable)('(needs the native module, which is not built on Windows) gives the official test vectors and agrees with @napi-rs/blake-hash on random data', async () => {
    const digest = (input: Uint8Array): string => { const out = new Uint8Array(32); portable?.(input, out); return hex(out); };
    for (const { input_len: length, hash } of vectors.cases) expect(digest(inputOf(length)), `length ${length}`).toBe(hash.slice(0, 64));
    const reference = await backend('native');
    for (const length of [0, 1, 1023, 1024, 1025, 2048, 3072, 3073, 8192, 65535, 65537, 300_000, (1 << 20) + 7]) {
      const data = new Uint8Array(length).map(() => Math.floor(Math.random() * 256));
      reference.reset(); reference.update(data);
      expect(digest(data), `length ${length}`).toBe(hex(reference.digest()));
    }
  });
});
