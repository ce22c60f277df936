import { createRequire } from 'node:module';

/** BLAKE3 with the default 32-byte output, fed in pieces. One instance hashes one file at a time. */
export interface Blake3 {
  readonly backend: 'native' | 'wasm';
  /** start a new hash (forgets what was fed before) */
  reset(): void;
  update(data: Uint8Array): void;
  /** the 32-byte digest of everything fed since the last reset */
  digest(): Uint8Array;
  /** the digest of `data` alone, in one call (the hasher's own state is left alone) */
  hashOf(data: Uint8Array): Uint8Array;
}

interface NativeHasher {
  reset(): void;
  update(input: Uint8Array): NativeHasher;
  digestBuffer(): Buffer;
  digest(format: 'hex'): string;
}
interface NativeModule { Blake3Hasher: new () => NativeHasher; blake3(input: Uint8Array): Buffer }

/**
 * @napi-rs/blake-hash is native (N-API: loads in Electron without a rebuild) and several times faster than
 * the portable WASM of hash-wasm, which takes over wherever the native binary cannot load (a platform without a
 * prebuilt package). FILEORG_BLAKE3=wasm forces the fallback (tests compare both).
 */
let loaded: NativeModule | null | undefined;
/** The native BLAKE3 of @napi-rs/blake-hash, loaded once; null where it cannot load (no binary for the platform). */
export function nativeBlake3(): NativeModule | null {
  if (loaded === undefined) {
    try { loaded = createRequire(import.meta.url)('@napi-rs/blake-hash') as NativeModule; } catch { loaded = null; }
  }
  return loaded;
}

export async function createBlake3(): Promise<Blake3> {
  const native = process.env.FILEORG_BLAKE3 === 'wasm' ? null : nativeBlake3();
  if (native) {
    const hasher = new native.Blake3Hasher();
    return {
      backend: 'native',
      reset: () => hasher.reset(),
      update: (data) => { hasher.update(data); },
      digest: () => hasher.digestBuffer(),
      hashOf: (data) => native.blake3(data),
    };
  }
  const { createBLAKE3 } = await import('hash-wasm'); // loaded only where it is needed
  const hasher = await createBLAKE3();
  const single = await createBLAKE3();
  return {
    backend: 'wasm',
    reset: () => { hasher.init(); },
    update: (data) => { hasher.update(data); },
    digest: () => hasher.digest('binary'),
    hashOf: (data) => { single.init(); single.update(data); return single.digest('binary'); },
  };
}
