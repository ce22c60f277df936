import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PRODUCT_NAME = 'FileOrganizer';

/**
 * The data folder shared by the CLI, `fileorg serve` and the desktop app: `--data-dir`, else
 * FILEORG_DATA_DIR, else the folder Electron's `app.getPath('userData')` gives for our productName,
 * so that one history serves all three faces.
 */
export function resolveDataDir(options: { flag?: string | undefined; env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; home?: string }): string {
  const env = options.env ?? process.env;
  if (options.flag) return path.resolve(options.flag);
  if (env.FILEORG_DATA_DIR) return path.resolve(env.FILEORG_DATA_DIR);
  const platform = options.platform ?? process.platform;
  const home = options.home ?? os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), PRODUCT_NAME);
}

/**
 * Make the data folder if it is not there, for this user alone (0700): it holds the history of every file
 * organized and, in its quarantine, the files themselves. Its missing parents are made as `mkdir -p` makes them.
 * A folder that exists is left as it is: its mode is its owner's to decide.
 */
export function makeDataFolder(dataDir: string): void {
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  try {
    fs.mkdirSync(dataDir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
