import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface SmallDisk {
  /** the mount point, or undefined when mounting is not permitted here */
  dir: string | undefined;
  /** why it could not be mounted (for the skipped test's name) */
  refusal: string;
  unmount(): void;
}

/**
 * A tmpfs of `size` (e.g. "64k") mounted on a fresh folder: a disk that fills up for real (ENOSPC), whatever the
 * host's disks hold. Needs root (CI runs as root); elsewhere the tests that need one are skipped, saying why.
 */
export function mountSmallDisk(size: string, parent: string): SmallDisk {
  const dir = fs.mkdtempSync(path.join(parent, 'fileorg-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    fs.rmdirSync(dir);
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return { dir: undefined, refusal: stderr || (error as Error).message, unmount: () => {} };
  }
  return {
    dir, refusal: '',
    unmount: () => {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      fs.rmdirSync(dir);
    },
  };
}

/** Fill a disk to the last byte with one file (answers its path; remove it to give the space back). */
export function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler');
  const descriptor = fs.openSync(filler, 'w');
  const block = Buffer.alloc(4096, 0x5a);
  try {
    for (;;) fs.writeSync(descriptor, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(descriptor);
  }
  return filler;
}
