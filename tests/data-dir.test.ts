import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { resolveDataDir } from '../src-main/core/data-dir.js';
import { tempDir } from './helpers/temp-tree.js';

describe('the data folder', () => {
  it('is --data-dir, else FILEORG_DATA_DIR, else the app-data folder Electron uses for FileOrganizer', () => {
    expect(resolveDataDir({ flag: '/x/flag', env: { FILEORG_DATA_DIR: '/x/env' } })).toBe('/x/flag');
    expect(resolveDataDir({ env: { FILEORG_DATA_DIR: '/x/env' } })).toBe('/x/env');
    expect(resolveDataDir({ env: {}, platform: 'linux', home: '/home/ann' })).toBe('/home/ann/.config/FileOrganizer');
    expect(resolveDataDir({ env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', home: '/home/ann' })).toBe('/xdg/FileOrganizer');
    expect(resolveDataDir({ env: {}, platform: 'darwin', home: '/Users/ann' })).toBe('/Users/ann/Library/Application Support/FileOrganizer');
    expect(resolveDataDir({ env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, platform: 'win32', home: 'C:\\Users\\ann' })).toMatch(/Roaming.FileOrganizer$/);
  });
});

describe('a new data folder opened by several processes at once', () => {
  it('is set up once, and every opener works (the CLI, serve and the app may start together)', async () => {
    // Threads stand in for processes: each has its own connection, and all open the file at the same instant.
    const openDatabaseJs = path.resolve(import.meta.dirname, '..', 'dist', 'src-main', 'core', 'db', 'open-database.js');
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.module).then(({ openDatabase }) => {
        const gate = new Int32Array(workerData.gate);
        // The last one ready wakes the others: all open the file together.
        if (Atomics.add(gate, 0, 1) + 1 === workerData.openers) { Atomics.store(gate, 1, 1); Atomics.notify(gate, 1); }
        else Atomics.wait(gate, 1, 0);
        try { openDatabase(workerData.file).close(); parentPort.postMessage('ok'); }
        catch (error) { parentPort.postMessage(String(error && error.message)); }
      });`;
    for (let round = 0; round < 8; round++) {
      const file = path.join(tempDir('fileorg-data-'), 'fileorganizer.db');
      const gate = new SharedArrayBuffer(8);
      const openers = 4;
      const answers = await Promise.all(Array.from({ length: openers }, () => new Promise<string>((resolve, reject) => {
        const worker = new Worker(code, { eval: true, workerData: { module: openDatabaseJs, file, gate, openers } });
        worker.once('message', (answer: string) => { resolve(answer); void worker.terminate(); });
        worker.once('error', reject);
      })));
      expect(answers, `round ${round}`).toEqual(Array.from({ length: openers }, () => 'ok'));
    }
  });
});
