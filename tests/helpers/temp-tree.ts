import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];

/** A fresh temp folder, removed after the test. `base` picks the filesystem (e.g. /dev/shm for another device). */
export function tempDir(prefix = 'fileorg-test-', base = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(base, prefix));
  made.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of made.splice(0)) {
    try {
      fs.chmodSync(dir, 0o755);
    } catch { /* gone */ }
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Write files: { 'a/b.txt': 'content' }; a key ending in '/' makes an empty folder. */
export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [relative, content] of Object.entries(files)) {
    const full = path.join(root, relative);
    if (relative.endsWith('/')) { fs.mkdirSync(full, { recursive: true }); continue; }
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
}

/**
 * Everything under root as { relative path: sha256 of content }, folders as 'dir', symlinks as 'link:target'.
 * Two snapshots equal means the same paths with the same bytes.
 */
export function snapshotTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      const relative = path.relative(root, full);
      if (entry.isSymbolicLink()) out[relative] = `link:${fs.readlinkSync(full)}`;
      else if (entry.isDirectory()) { out[`${relative}/`] = 'dir'; walk(full); }
      else out[relative] = crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex');
    }
  };
  walk(root);
  return out;
}

/** Relative paths of the files under root, sorted. */
export function listFiles(root: string): string[] {
  return Object.entries(snapshotTree(root)).filter(([, value]) => value !== 'dir').map(([key]) => key).sort();
}
