/**
 * better-sqlite3's compiled part for this runtime. Plain Node loads the one `npm install` built; the desktop app
 * runs on Electron's ABI, so `npm start` builds another copy (.electron-native/) and names its file in
 * FILEORG_SQLITE_BINDING, which every connection (the main thread's and the worker threads') passes as
 * `nativeBinding`. Unset: better-sqlite3 finds its own, as before.
 */
export function sqliteBinding(): { nativeBinding?: string } {
  const file = process.env.FILEORG_SQLITE_BINDING;
  return file ? { nativeBinding: file } : {};
}
