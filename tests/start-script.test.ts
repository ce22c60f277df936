import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/temp-tree.js';

const PROJECT = path.resolve(import.meta.dirname, '..');
const START = path.join(PROJECT, 'build', 'start.mjs');
const BUILT_MAIN = path.join(PROJECT, 'dist', 'src-main', 'app', 'main.js');

/** `npm start` (node build/start.mjs) with these variables; what it printed, everything, and how it ended. */
function runStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [START], { cwd: PROJECT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
    const electronDir = tempDir('fileorg-fake-electron-');
    fs.copyFileSync(path.join(PROJECT, 'node_modules', 'electron', 'package.json'), path.join(electronDir, 'package.json'));
    fs.writeFileSync(path.join(electronDir, 'path.txt'), 'electron');
    fs.mkdirSync(path.join(electronDir, 'dist'));
    const ran = path.join(electronDir, 'ran');
    fs.writeFileSync(path.join(electronDir, 'dist', 'electron'), `#!/bin/sh\ntouch '${ran}'\n`, { mode: 0o755 });
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
});
