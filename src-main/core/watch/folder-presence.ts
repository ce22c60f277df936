import fs from 'node:fs';

export type Presence =
  /** `identity` ("dev:ino"): a folder deleted and made again under the same name between two looks is another folder */
  | { state: 'present'; identity: string }
  | { state: 'gone' | 'unreadable'; detail: string };

/**
 * Is a watched folder there and readable now? Gone: deleted, renamed, its drive unplugged (or a file in its
 * place); unreadable: its permissions. Opening it as a folder is the test that counts (a folder whose mode says
 * no gives EACCES there, though stat succeeds), and it reads no entries, so looking often costs little.
 */
export function lookAtFolder(folder: string): Presence {
  let stats: fs.Stats | undefined;
  try {
    stats = fs.statSync(folder, { throwIfNoEntry: false });
  } catch (error) {
    return failed(folder, error);
  }
  if (!stats) return gone(folder);
  if (!stats.isDirectory()) return { state: 'gone', detail: `${folder} is no longer a folder (a file has its name); it is watched again once it is a folder` };
  try {
    fs.opendirSync(folder).closeSync();
  } catch (error) {
    return failed(folder, error);
  }
  return { state: 'present', identity: `${stats.dev}:${stats.ino}` };
}

const gone = (folder: string): Presence => ({
  state: 'gone', detail: `${folder} is gone (deleted, renamed, or its drive is not connected); it is watched again when it comes back`,
});

function failed(folder: string, error: unknown): Presence {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  if (code === 'ENOENT' || code === 'ENOTDIR') return gone(folder);
  const why = code === 'EACCES' || code === 'EPERM' ? 'give the user running FileOrganizer permission to read it' : 'check the drive it is on';
  return { state: 'unreadable', detail: `${folder} cannot be read (${code}); ${why}; it is watched again once it can be read` };
}
