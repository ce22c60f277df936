import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronBinary, forwardSignals, isEntryScript, prepareElectronNative, StartRefused } from '../build/start.mjs';
import { tempDir } from './helpers/temp-tree.js';

const PROJECT = path.resolve(import.meta.dirname, '..');
const START = path.join(PROJECT, 'build', 'start.mjs');
const BUILT_MAIN = path.join(PROJECT, 'dist', 'src-main', 'app', 'main.js');

/** `npm start` (node build/start.mjs) with these variables; what it printed, everything, and how it ended. */
function runStart(env: Record<string, string>, script = START): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [script], { cwd: PROJECT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

/** The modification times of what npm start would build: unchanged means nothing was built. */
function builtTimes(): Record<string, number | undefined> {
  const times: Record<string, number | undefined> = {};
  for (const file of [BUILT_MAIN, path.join(PROJECT, 'dist', 'app', 'preload.cjs'), path.join(PROJECT, '.electron-native')]) {
    times[file] = fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs;
  }
  return times;
}

/** A port nothing listens on (taken, then let go). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 1;
}

function expectOneLineNamingServe(output: string): void {
  const lines = output.split('\n').filter((line) => line !== '');
  expect(lines, output).toHaveLength(1);
  expect(lines[0]).toMatch(/^npm start: /);
  expect(lines[0]).toContain('npx fileorg serve');
  expect(output).not.toMatch(/^\s+at /m); // no stack
}

/** An electron package whose binary is "there": a stand-in that must never run (it leaves a mark if it does). */
function electronWithBinary(): { electronDir: string; ran: string } {
  const electronDir = tempDir('fileorg-fake-electron-');
  fs.copyFileSync(path.join(PROJECT, 'node_modules', 'electron', 'package.json'), path.join(electronDir, 'package.json'));
  fs.writeFileSync(path.join(electronDir, 'path.txt'), 'electron');
  fs.mkdirSync(path.join(electronDir, 'dist'));
  const ran = path.join(electronDir, 'ran');
  fs.writeFileSync(path.join(electronDir, 'dist', 'electron'), `#!/bin/sh\ntouch '${ran}'\n`, { mode: 0o755 });
  return { electronDir, ran };
}

describe('npm start', () => {
  it('without Electron\'s binary says so in one line pointing to npx fileorg serve, exits 1, and builds nothing', async () => {
    // An electron package as `npm install` leaves it with ELECTRON_SKIP_BINARY_DOWNLOAD=1: no path.txt, no dist/.
    const electronDir = tempDir('fileorg-no-electron-');
    fs.copyFileSync(path.join(PROJECT, 'node_modules', 'electron', 'package.json'), path.join(electronDir, 'package.json'));
    const nativeDir = path.join(tempDir('fileorg-start-'), 'electron-native');
    const before = builtTimes();
    const run = await runStart({ FILEORG_ELECTRON_DIR: electronDir, FILEORG_ELECTRON_NATIVE_DIR: nativeDir });
    expect(run.code).toBe(1);
    expectOneLineNamingServe(run.output);
    expect(run.output).toContain('Electron\'s binary is not on this machine');
    expect(fs.existsSync(nativeDir)).toBe(false);
    expect(builtTimes()).toEqual(before);
  });

  it('refuses the same way when path.txt names a binary that is not there, or electron is not installed at all', async () => {
    const electronDir = tempDir('fileorg-half-electron-');
    fs.copyFileSync(path.join(PROJECT, 'node_modules', 'electron', 'package.json'), path.join(electronDir, 'package.json'));
    fs.writeFileSync(path.join(electronDir, 'path.txt'), 'electron');
    const nativeDir = path.join(tempDir('fileorg-start-'), 'electron-native');
    const before = builtTimes();
    const half = await runStart({ FILEORG_ELECTRON_DIR: electronDir, FILEORG_ELECTRON_NATIVE_DIR: nativeDir });
    expect(half.code).toBe(1);
    expectOneLineNamingServe(half.output);
    const none = await runStart({ FILEORG_ELECTRON_DIR: path.join(electronDir, 'missing'), FILEORG_ELECTRON_NATIVE_DIR: nativeDir });
    expect(none.code).toBe(1);
    expectOneLineNamingServe(none.output);
    expect(none.output).toContain('Electron is not installed');
    expect(fs.existsSync(nativeDir)).toBe(false);
    expect(builtTimes()).toEqual(before);
  });

  it('where Electron\'s headers cannot be fetched says so in one line pointing to npx fileorg serve, exits 1, and starts nothing', async () => {
    // A binary is "there" (a stand-in that must never run), the headers' server is not, and no headers are cached.
    const { electronDir, ran } = electronWithBinary();
    const nativeDir = path.join(tempDir('fileorg-start-'), 'electron-native');
    const before = builtTimes();
    const port = await closedPort();
    const run = await runStart({
      FILEORG_ELECTRON_DIR: electronDir, FILEORG_ELECTRON_NATIVE_DIR: nativeDir, HOME: tempDir('fileorg-home-'),
      ELECTRON_REBUILD_DIST_URL: `http://127.0.0.1:${port}`,
      // As `npm start` runs it where npm's config names Node's own headers: they must not stand in for Electron's.
      npm_config_nodedir: path.dirname(path.dirname(process.execPath)),
    });
    expect(run.code).toBe(1);
    expectOneLineNamingServe(run.output);
    expect(run.output).toContain('Electron\'s headers could not be fetched');
    // What went wrong in detail is kept in the log the line names; the Node build of better-sqlite3 is untouched.
    expect(fs.readFileSync(path.join(nativeDir, 'rebuild.log'), 'utf8')).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(fs.existsSync(path.join(PROJECT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'))).toBe(true);
    expect(builtTimes()).toEqual(before);
    expect(fs.existsSync(ran)).toBe(false);
  });

  it('run through a symlink (or any other spelling of its path) still runs: never a silent exit 0', async () => {
    const link = path.join(tempDir('fileorg-start-link-'), 'start.mjs');
    fs.symlinkSync(START, link);
    expect(isEntryScript(link, new URL(`file://${START}`).href)).toBe(true);
    expect(isEntryScript(path.join(PROJECT, 'build', '..', 'build', 'start.mjs'), new URL(`file://${START}`).href)).toBe(true);
    expect(isEntryScript(path.join(PROJECT, 'build', 'bundle-app.mjs'), new URL(`file://${START}`).href)).toBe(false);
    expect(isEntryScript(undefined)).toBe(false);
    const run = await runStart({ FILEORG_ELECTRON_DIR: path.join(tempDir('fileorg-no-electron-'), 'missing') }, link);
    expect(run.code).toBe(1);
    expectOneLineNamingServe(run.output);
    expect(run.output).toContain('Electron is not installed');
  });

  it('a damaged electron package, or a native builds folder it cannot write, is one line and exit 1, no stack; nothing built or run', async () => {
    const damaged = tempDir('fileorg-damaged-electron-');
    fs.writeFileSync(path.join(damaged, 'package.json'), '{"name": "electron", "vers');
    const before = builtTimes();
    const run = await runStart({ FILEORG_ELECTRON_DIR: damaged, FILEORG_ELECTRON_NATIVE_DIR: path.join(tempDir('fileorg-start-'), 'native') });
    expect(run.code).toBe(1);
    expectOneLineNamingServe(run.output);
    expect(run.output).toContain('is damaged');
    expect(run.output).toContain('npm install reinstalls it');

    // A file where the folder should go (as a folder of root's would be to the user: it cannot be made).
    const { electronDir, ran } = electronWithBinary();
    const blocker = path.join(tempDir('fileorg-start-'), 'a-file');
    fs.writeFileSync(blocker, 'not a folder');
    const unwritable = await runStart({ FILEORG_ELECTRON_DIR: electronDir, FILEORG_ELECTRON_NATIVE_DIR: path.join(blocker, 'electron-native') });
    expect(unwritable.code).toBe(1);
    expectOneLineNamingServe(unwritable.output);
    expect(unwritable.output).toContain('cannot be written');
    expect(unwritable.output).toContain('FILEORG_ELECTRON_NATIVE_DIR');
    expect(builtTimes()).toEqual(before);
    expect(fs.existsSync(ran)).toBe(false);
  });

  it('names what is missing to build the native modules for Electron (@electron/rebuild, better-sqlite3\'s sources) in one refusal that says to run npm install', async () => {
    const nativeDir = path.join(tempDir('fileorg-start-'), 'native');
    const missingRebuild = prepareElectronNative({
      nativeDir, electronVersion: '45.3.4', project: tempDir('fileorg-no-project-'),
      loadRebuild: () => Promise.reject(Object.assign(new Error("Cannot find package '@electron/rebuild' imported from build/start.mjs"), { code: 'ERR_MODULE_NOT_FOUND' })),
    });
    await expect(missingRebuild).rejects.toBeInstanceOf(StartRefused);
    await expect(missingRebuild).rejects.toThrow(/^@electron\/rebuild, which builds the native modules for Electron, cannot be loaded \(Cannot find package .*\); npm install installs it/);

    // A project whose better-sqlite3 lost its sources (npm install --ignore-scripts and a cleanup, say).
    const project = tempDir('fileorg-half-project-');
    fs.mkdirSync(path.join(project, 'node_modules', 'better-sqlite3'), { recursive: true });
    fs.writeFileSync(path.join(project, 'node_modules', 'better-sqlite3', 'package.json'), '{"version": "12.9.0"}');
    fs.writeFileSync(path.join(project, 'node_modules', 'better-sqlite3', 'binding.gyp'), '{}');
    fs.cpSync(path.join(PROJECT, 'native'), path.join(project, 'native'), { recursive: true, filter: (source) => !source.includes(`${path.sep}build`) });
    const noSources = prepareElectronNative({ nativeDir, electronVersion: '45.3.4', project, loadRebuild: async () => ({ rebuild: async () => { throw new Error('must not build'); } }) });
    await expect(noSources).rejects.toBeInstanceOf(StartRefused);
    await expect(noSources).rejects.toThrow(/^better-sqlite3 in node_modules has no src .*npm install restores it/);

    // …or has no better-sqlite3 at all.
    const bare = tempDir('fileorg-bare-project-');
    fs.cpSync(path.join(project, 'native'), path.join(bare, 'native'), { recursive: true });
    const noSqlite = prepareElectronNative({ nativeDir, electronVersion: '45.3.4', project: bare, loadRebuild: async () => ({ rebuild: async () => undefined }) });
    await expect(noSqlite).rejects.toThrow(/^better-sqlite3 is missing or damaged in node_modules \(ENOENT.*npm install restores it/);
  });

  it('takes Electron\'s binary from ELECTRON_OVERRIDE_DIST_PATH as the electron package does, and says so where it is not there', () => {
    const electronDir = tempDir('fileorg-override-electron-');
    fs.copyFileSync(path.join(PROJECT, 'node_modules', 'electron', 'package.json'), path.join(electronDir, 'package.json'));
    const override = tempDir('fileorg-override-dist-');
    fs.writeFileSync(path.join(override, 'electron'), '', { mode: 0o755 });
    const version = (JSON.parse(fs.readFileSync(path.join(electronDir, 'package.json'), 'utf8')) as { version: string }).version;
    expect(electronBinary(electronDir, { ELECTRON_OVERRIDE_DIST_PATH: override })).toEqual({ binary: path.join(override, 'electron'), version });
    // path.txt names the file, in the override folder as in dist/.
    fs.writeFileSync(path.join(electronDir, 'path.txt'), 'Electron.app/Contents/MacOS/Electron');
    fs.mkdirSync(path.join(override, 'Electron.app', 'Contents', 'MacOS'), { recursive: true });
    fs.writeFileSync(path.join(override, 'Electron.app', 'Contents', 'MacOS', 'Electron'), '');
    expect(electronBinary(electronDir, { ELECTRON_OVERRIDE_DIST_PATH: override })).toEqual({ binary: path.join(override, 'Electron.app', 'Contents', 'MacOS', 'Electron'), version });
    expect(electronBinary(electronDir, { ELECTRON_OVERRIDE_DIST_PATH: path.join(override, 'missing') }).problem).toMatch(/^ELECTRON_OVERRIDE_DIST_PATH names .* where Electron's binary/);
    // Unset: dist/ in the package, which is not there.
    expect(electronBinary(electronDir, {}).problem).toContain('Electron\'s binary is not on this machine');
  });

  it('passes Ctrl+C and a termination on to Electron on Linux and macOS; on Windows leaves it to the console (kill would end Electron outright)', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const killed: string[] = [];
      const child = { exitCode: null, signalCode: null, kill: (signal: string) => { killed.push(signal); return true; } };
      const target = new EventEmitter();
      forwardSignals(child, { platform, target });
      target.emit('SIGINT');
      target.emit('SIGTERM');
      expect(killed, platform).toEqual(platform === 'win32' ? [] : ['SIGINT', 'SIGTERM']);
      // Either way npm start itself keeps running until Electron exits: the signal is listened to.
      expect(target.listenerCount('SIGINT'), platform).toBe(1);
    }
    const exited = { exitCode: 0, signalCode: null, kill: () => { throw new Error('Electron has exited already'); } };
    const target = new EventEmitter();
    forwardSignals(exited, { platform: 'linux', target });
    expect(() => target.emit('SIGINT')).not.toThrow();
  });
});
