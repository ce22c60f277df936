import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makeDataFolder } from '../data-dir.js';

export const SIGNING_KEY_FILE = 'auth-signing-key';

/** Anyone who could read the key could mint tokens: on POSIX the file must be the owner's alone. */
function othersCanReach(stats: fs.Stats): boolean {
  if (process.platform === 'win32') return false; // the data folder sits in the user's profile, which ACLs guard
  return (stats.mode & 0o077) !== 0 || (typeof process.getuid === 'function' && stats.uid !== process.getuid());
}

/**
 * The per-install key that signs access tokens (HS256, 64 random bytes), kept in the data folder with mode
 * 0600. Made on first use; two processes starting at once agree on one key because the file appears
 * atomically (written aside, then hard-linked into place, which fails if it is already there).
 *
 * A key file that others could read is replaced with a new key, not trusted: access tokens signed with the
 * old one stop working (they last 30 minutes anyway), refresh tokens do not depend on it.
 * The desktop app will wrap this key with safeStorage; `fileorg serve` and the CLI use the file as is.
 */
export function loadSigningKey(dataDir: string): Uint8Array {
  const file = path.join(dataDir, SIGNING_KEY_FILE);
  makeDataFolder(dataDir); // 0700 when it is made here
  for (let attempt = 0; attempt < 3; attempt++) {
    const stats = fs.statSync(file, { throwIfNoEntry: false });
    if (stats && !othersCanReach(stats)) {
      const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url');
      if (key.length >= 32) return key;
    }
    if (stats) fs.rmSync(file, { force: true });
    const aside = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(aside, `${crypto.randomBytes(64).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(aside, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.rmSync(aside, { force: true });
    }
  }
  throw new Error(`cannot set up the token signing key in ${dataDir}; check that the folder is yours and writable`);
}
