import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAppCore } from '../src-main/core/compose.js';
import { LOCAL_USER_ID } from '../src-main/core/db/schema.js';
import { startWatcher } from '../src-main/core/watch/watcher.js';
import { listFiles, tempDir } from './helpers/temp-tree.js';
import { openCore, QUICK, until, watch, watchedFolder, watchOperations } from './helpers/watch-runtime.js';

describe('the watcher once', () => {
  it('once() organizes what has settled and answers what is still being written instead of waiting for it', async () => {
    const core = openCore();
    const { root } = watchedFolder(core);
    const settled = path.join(root, 'settled.pdf');
    fs.writeFileSync(settled, 'whole');
    const old = new Date('2023-01-02T03:04:05Z');
    fs.utimesSync(settled, old, old);
    const growing = path.join(root, 'growing.log');
    fs.writeFileSync(growing, 'line\n');
    // Appended every 50 ms against a settle time of 3 s, for as long as the test runs: it never settles, however
    // late a timer of a loaded machine fires.
    const appending = setInterval(() => { fs.appendFileSync(growing, 'line\n'); }, 50);
    try {
      const watching = await watch(core, { catchUp: false, settings: { settleMs: 3_000 } });
      // Written a moment before: it must keep still for a settle time first, and goes in this pass once it has.
      fs.writeFileSync(path.join(root, 'fresh.txt'), 'just written');
      const { held } = await watching.watcher.once();
      expect(held).toEqual([{ path: growing, reason: 'settling' }]);
      expect(watchOperations(core).reduce((sum, operation) => sum + operation.moved, 0)).toBe(2);
      expect(listFiles(root)).toEqual(['Documents/fresh.txt', 'Documents/settled.pdf', 'growing.log']);
    } finally {
      clearInterval(appending);
    }
  });

  it('a core closed under a running watcher stops the watcher, told once, rather than fail at every tick', async () => {
    const core = openAppCore({ dataDir: tempDir('fileorg-watch-data-'), bcryptCost: 4 });
    const root = tempDir('watched-');
    core.watchedFolders.add(LOCAL_USER_ID, { path: root });
    const logs: string[] = [];
    const watcher = await startWatcher(core, { label: 'the watch tests', log: (message) => logs.push(message), settings: QUICK });
    await watcher.idle();
    await core.close();
    fs.writeFileSync(path.join(root, 'after.txt'), 'dropped after the core closed');
    await until('the watcher to stop itself', () => logs.some((line) => line.includes('closed while the watcher ran')), 10_000);
    await watcher.stop();
    const afterWatching = logs.slice(logs.findIndex((line) => line.endsWith(': watching')) + 1);
    expect(afterWatching).toEqual([expect.stringContaining('the data folder was closed while the watcher ran, so the watcher stopped')]);
    expect(listFiles(root)).toEqual(['after.txt']);
    // Stopped for good: the data folder opened again in this process is watched again, what came meanwhile first.
    const again = await watch(openCore({ dataDir: core.dataDir }));
    await again.events.next('watch:batch', () => true);
    expect(listFiles(root)).toEqual(['Documents/after.txt']);
  });
});
