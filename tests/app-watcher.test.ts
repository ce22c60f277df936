import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { APP_WATCH_LABEL, runAppWatcher, type StartWatcher } from '../src-main/app/app-watcher.js';
import { startWatcher } from '../src-main/core/watch/watcher.js';
import { type Watcher } from '../src-main/core/watch/watch-types.js';
import { openTestCore } from './helpers/core.js';
import { listFiles, tempDir } from './helpers/temp-tree.js';

/** A start the test finishes (or fails) when it chooses, recording what the app asked for and each stop. */
function heldStart() {
  const asked: Array<{ label: string; wait: boolean }> = [];
  const stops: string[] = [];
  let finish: (watcher: Watcher) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const start: StartWatcher = async (_core, options) => {
    asked.push({ label: options.label, wait: options.wait });
    return new Promise<Watcher>((resolve, reject) => { finish = resolve; fail = reject; });
  };
  const watcher: Watcher = { catchUp: async () => undefined, idle: async () => undefined, stop: async () => { stops.push('stopped'); } };
  return { start, asked, stops, finish: () => finish(watcher), fail: (error: Error) => fail(error) };
}

describe('the app\'s watcher', () => {
  it('starts as "the FileOrganizer app", waiting for the lease; a quit while it starts stops it once it has started, once however often asked', async () => {
    const core = openTestCore();
    const held = heldStart();
    const logged: string[] = [];
    const watcher = runAppWatcher(core, held.start, (message) => logged.push(message));
    await vi.waitFor(() => expect(held.asked).toEqual([{ label: APP_WATCH_LABEL, wait: true }]));
    let stopped = false;
    const stopping = watcher.stop().then(() => { stopped = true; });
    const again = watcher.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false); // still starting: nothing to stop yet
    held.finish();
    await stopping;
    await again;
    expect(held.stops).toEqual(['stopped']);
    expect(logged).toEqual([]);
  });

  it('a start that fails is logged, the app goes on, and quitting still works', async () => {
    const core = openTestCore();
    const held = heldStart();
    const logged: string[] = [];
    const watcher = runAppWatcher(core, held.start, (message) => logged.push(message));
    await vi.waitFor(() => expect(held.asked).toHaveLength(1));
    held.fail(new Error('chokidar could not start'));
    await watcher.stop();
    expect(logged).toEqual(['FileOrganizer: the watched folders are not being watched: chokidar could not start']);
  });

  it('where another process watches this data folder, waits, and the log says who, once', async () => {
    const core = openTestCore();
    core.watchedFolders.add('local', { path: tempDir('fileorg-app-watch-held-') });
    // Another live process on this computer (this test's parent) holds the lease, as fileorg watch would.
    const now = Date.now();
    core.database.sqlite.prepare('INSERT INTO data_folder_leases (name, owner_pid, owner_host, owner_label, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run('watcher', process.ppid, os.hostname(), 'fileorg watch', now, now);
    const logged: string[] = [];
    const watcher = runAppWatcher(core, startWatcher, (message) => logged.push(message));
    await vi.waitFor(() => expect(logged.some((message) => message.includes(`fileorg watch (pid ${process.ppid} on this computer`))).toBe(true));
    expect(core.watcherLease.holder()).toMatchObject({ pid: process.ppid });
    await watcher.stop();
    expect(logged.filter((message) => message.includes(`pid ${process.ppid}`))).toEqual([expect.stringMatching(/^FileOrganizer: watcher: fileorg watch \(pid \d+ on this computer, since .*\) watches this data folder's folders; waiting/)]);
    expect(core.watcherLease.holder()).toMatchObject({ pid: process.ppid }); // still the other's
  });

  it('with the real watcher: a file that lands in a watched folder is organized while the app runs, and quitting gives up the lease', async () => {
    const core = openTestCore();
    const downloads = tempDir('fileorg-app-watch-');
    core.watchedFolders.add('local', { path: downloads });
    const logged: string[] = [];
    const watcher = runAppWatcher(core, startWatcher, (message) => logged.push(message));
    await vi.waitFor(() => expect(core.watcherLease.holder()).toMatchObject({ pid: process.pid, label: APP_WATCH_LABEL }), { timeout: 10_000 });
    fs.writeFileSync(path.join(downloads, 'photo.jpg'), 'a photo');
    await vi.waitFor(() => expect(listFiles(downloads)).toEqual(['Images/photo.jpg']), { timeout: 20_000, interval: 100 });
    await watcher.stop();
    expect(core.watcherLease.holder()).toBeUndefined();
    expect(core.operations.history(10, 'local', 0, 'watch')).toHaveLength(1);
    expect(logged.filter((message) => !message.startsWith('FileOrganizer: watcher: '))).toEqual([]);
  });
});
