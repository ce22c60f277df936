import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The optional native module (native/, built by node-gyp at install): fast paths for same-device moves and for
 * the duplicate search's narrowing reads. Every caller has a JavaScript path for when it is absent (not built,
 * Windows) or FILEORG_NATIVE=off; its functions are loaded once per thread.
 */
export interface NativeModule {
  /**
   * `how`: the mode and flags of native/fast-move.c (see src-worker/native-moves.ts); a move when left out. The
   * modes that replace a name (link over, rename over) take the rest: the temp name beside `to` (link over), who
   * `from` must be, and `to`'s ctime in ns ('' when not compared).
   */
  moveIfUnchanged?: (from: string, to: string, size: number, mtimeMs: number, dev: string, ino: string, fromAnchorBytes: number, toAnchorBytes: number, cacheFolders: boolean, how?: number,
    temporary?: string, fromDev?: string, fromIno?: string, ctimeNs?: string) => number;
  /** close the folders the moves of this thread keep open (a chunk of rows starts or ends) */
  forgetFolders?: () => void;
  /** copy every extended attribute of one open file to another: 0, or the errno and name of one that failed */
  copyAttributes?: (fromDescriptor: number, toDescriptor: number) => 0 | [number, string];
  /** futimens: a file's atime and mtime to the nanosecond; 0 or errno */
  setTimes?: (descriptor: number, atimeSeconds: number, atimeNanoseconds: number, mtimeSeconds: number, mtimeNanoseconds: number) => number;
  /**
   * part: 0 the first 4 KiB, 1 the last 4 KiB (non-cryptographic digests), 2 the whole file (BLAKE3), 3 the
   * whole files' bytes one after another into `digests` (sized to the sum of their sizes). `ids`: each file's
   * device and inode as scanned (2 a file, NaN when unknown); a file that is another one now is CHANGED.
   */
  partDigests?: (paths: string | Uint8Array, sizes: Float64Array, mtimesMs: Float64Array, part: 0 | 1 | 2 | 3, digests: Uint8Array, status: Uint8Array, errors: Int32Array, times: Float64Array, ids?: Float64Array) => number;
  /** the portable BLAKE3 the full stage uses for small files */
  blake3?: (input: Uint8Array, out: Uint8Array) => void;
  /** a folder's entries, sorted as JavaScript sorts names: [names NUL-joined, kinds, sizes, mtimesMs, devs, inos, errnos], or -errno */
  /** lstat each file: HASHED (0) if still as scanned, else CHANGED (1); its times (4 a file) and device, inode (2 a file) */
  statFiles?: (paths: string | Uint8Array, sizes: Float64Array, mtimesMs: Float64Array, status: Uint8Array, times: Float64Array, ids: Float64Array) => void;
  /** give the C heap's free pages back to the system (glibc's malloc_trim); true when any were */
  releaseMemory?: () => boolean;
  /**
   * A folder's entries, listed through the folder opened (O_NOFOLLOW) only when it is the one with `dev` and
   * `ino` (`followLast`: a root as typed may be a symlink); answers 1 when it is another one now, a negative
   * errno when it cannot be opened. Without an identity (one argument), it lists whatever folder the path is.
   */
  readFolder?: (folder: string, dev?: bigint, ino?: bigint, followLast?: boolean) =>
    [string, Uint8Array, Float64Array, Float64Array, Float64Array, Float64Array, Int32Array, BigUint64Array] | number;
}

const MODULE_FILE = path.join('native', 'build', 'Release', 'fileorg_native.node');

/** The project root holds package.json; this file runs from dist/src-worker (or src-worker in tests). */
function projectRoot(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(folder, 'package.json'))) {
    const parent = path.dirname(folder);
    if (parent === folder) return folder;
    folder = parent;
  }
  return folder;
}

let loaded: NativeModule | undefined;

let built: NativeModule | undefined;
/**
 * The module's file: the one `npm install` built for Node, or, in the desktop app, the Electron build `npm start`
 * made and named in FILEORG_NATIVE_MODULE (a module built for one runtime may not load in the other).
 */
function moduleFile(): string {
  return process.env.FILEORG_NATIVE_MODULE || path.join(projectRoot(), MODULE_FILE);
}

/** The module as built, whatever FILEORG_NATIVE says; empty where it was not built. */
function builtModule(): NativeModule {
  if (built) return built;
  const file = moduleFile();
  built = fs.existsSync(file) ? createRequire(import.meta.url)(file) as NativeModule : {};
  return built;
}

export function nativeModule(): NativeModule {
  loaded ??= process.env.FILEORG_NATIVE === 'off' ? {} : builtModule();
  return loaded;
}

/**
 * Extended attributes have no JavaScript path to fall back to (Node has no xattr API), so their copy is not a
 * fast path that FILEORG_NATIVE=off turns off: it uses the module wherever it was built.
 */
export function nativeAttributeCalls(): Pick<NativeModule, 'copyAttributes' | 'setTimes'> {
  return builtModule();
}

/**
 * Called on the main thread when a pool whose threads use the module starts: the process then holds the
 * module for its whole life, so it is never unloaded while a terminated thread's environment is torn down
 * (a known way for N-API addons in worker threads to crash at exit). The test processes CI saw die had another
 * cause: a thread terminated inside a native call (tests/native-teardown.test.ts), fixed in native/.
 */
export function holdNativeModule(): void {
  nativeModule();
}
