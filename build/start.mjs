#!/usr/bin/env node
// `npm start`: the desktop app in development. First it checks that Electron's binary is here (`npm install` may
// have skipped it: ELECTRON_SKIP_BINARY_DOWNLOAD); where it is not, one line says so and points to the browser
// window (`npx fileorg serve`), and nothing is built or started. Then: better-sqlite3 and native/ built for
// Electron's ABI in their own folder (.electron-native/, with @electron/rebuild, which fetches Electron's
// headers; `npm install` stays Node-only), main and preload built, vite's dev server on a free loopback port,
// and Electron on the app with the dev server's address and the Electron builds' files. Electron's exit code is
// npm start's.
//
// Every failure is one line that says what to do, and exit code 1 (FILEORG_DEBUG=1 adds the stack).
//
// Knobs (for tests): FILEORG_ELECTRON_DIR the electron package (default node_modules/electron);
// FILEORG_ELECTRON_NATIVE_DIR where the Electron builds go (default .electron-native); ELECTRON_REBUILD_DIST_URL
// where Electron's headers come from (default https://www.electronjs.org/headers), as @electron/rebuild's CLI;
// ELECTRON_OVERRIDE_DIST_PATH a folder holding Electron's binary, as the electron package itself reads it.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVE_HINT = 'or use the window in a browser: npx fileorg serve';
const shown = (file) => (path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file) || '.');

/** A refusal of npm start: its message is the one line printed. */
export class StartRefused extends Error {}

/** An error in one line of words: its message (an OS error's starts with its code), never its stack. */
const wordsOf = (error) => String(error?.message ?? error).split('\n')[0];

/**
 * Electron's binary as the electron package finds it (its index.js): ELECTRON_OVERRIDE_DIST_PATH's folder when
 * set, else dist/ in the package; path.txt names the file. Answers { binary, version } or { problem } in words.
 */
export function electronBinary(electronDir, env = process.env) {
  const manifest = path.join(electronDir, 'package.json');
  if (!fs.existsSync(manifest)) return { problem: `Electron is not installed (${shown(electronDir)} is missing; npm install installs it), so the desktop app cannot start; ${SERVE_HINT}` };
  let version;
  let named;
  try {
    version = JSON.parse(fs.readFileSync(manifest, 'utf8')).version;
    if (typeof version !== 'string') throw new Error('it names no version');
    const pathFile = path.join(electronDir, 'path.txt');
    named = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : undefined;
  } catch (error) {
    return { problem: `Electron's package in ${shown(electronDir)} is damaged (${wordsOf(error)}); npm install reinstalls it, ${SERVE_HINT}` };
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const binary = path.join(override, named || 'electron');
    if (fs.statSync(binary, { throwIfNoEntry: false })?.isFile()) return { binary, version };
    return { problem: `ELECTRON_OVERRIDE_DIST_PATH names ${shown(override)}, where Electron's binary (${named || 'electron'}) is not; unset it or point it to the folder that holds the binary, ${SERVE_HINT}` };
  }
  const skipped = `Electron's binary is not on this machine (npm install skipped it, as ELECTRON_SKIP_BINARY_DOWNLOAD=1 asks), so the desktop app cannot start; \`node ${shown(path.join(electronDir, 'install.js'))}\` downloads it, ${SERVE_HINT}`;
  if (!named) return { problem: skipped };
  const binary = path.join(electronDir, 'dist', named);
  if (!fs.statSync(binary, { throwIfNoEntry: false })?.isFile()) return { problem: skipped };
  return { binary, version };
}

function sha256OfFiles(files) {
  const hash = crypto.createHash('sha256');
  for (const file of files) hash.update(`${path.basename(file)}\0`).update(fs.readFileSync(file));
  return hash.digest('hex');
}

/**
 * The modules to build for Electron: each copied into its own folder (so the Node builds in node_modules and
 * native/build are never touched), with what identifies its sources, and the file its build makes.
 */
function nativeModules(project) {
  const sqlite = path.join(project, 'node_modules', 'better-sqlite3');
  const native = path.join(project, 'native');
  let nativeSources;
  let sqliteVersion;
  try {
    nativeSources = fs.readdirSync(native).filter((name) => /\.(c|h|gyp)$/.test(name)).sort().map((name) => path.join(native, name));
  } catch (error) {
    throw new StartRefused(`the project's native module sources cannot be read (${wordsOf(error)}); restore native/ (git checkout native), ${SERVE_HINT}`);
  }
  try {
    sqliteVersion = JSON.parse(fs.readFileSync(path.join(sqlite, 'package.json'), 'utf8')).version;
  } catch (error) {
    throw new StartRefused(`better-sqlite3 is missing or damaged in node_modules (${wordsOf(error)}); npm install restores it, ${SERVE_HINT}`);
  }
  return [
    {
      name: 'better-sqlite3',
      identity: sqliteVersion,
      copy: (to) => {
        for (const part of ['package.json', 'binding.gyp', 'src', 'deps', 'lib']) {
          if (!fs.existsSync(path.join(sqlite, part))) {
            throw new StartRefused(`better-sqlite3 in node_modules has no ${part} (its sources, needed to build it for Electron); npm install restores it, ${SERVE_HINT}`);
          }
          fs.cpSync(path.join(sqlite, part), path.join(to, part), { recursive: true });
        }
      },
      output: path.join('build', 'Release', 'better_sqlite3.node'),
      variable: 'FILEORG_SQLITE_BINDING',
    },
    {
      name: 'fileorg-native',
      identity: sha256OfFiles(nativeSources),
      copy: (to) => {
        fs.mkdirSync(to, { recursive: true });
        for (const file of nativeSources) fs.copyFileSync(file, path.join(to, path.basename(file)));
        fs.writeFileSync(path.join(to, 'package.json'), `${JSON.stringify({ name: 'fileorg-native', version: '0.0.0', private: true })}\n`);
      },
      output: path.join('build', 'Release', 'fileorg_native.node'),
      variable: 'FILEORG_NATIVE_MODULE',
    },
  ];
}

/**
 * Builds better-sqlite3 and native/ for Electron `electronVersion` in `nativeDir` (once per version and sources:
 * a build that is there is kept), and answers the environment that makes the app load them. @electron/rebuild's
 * and node-gyp's output goes to nativeDir/rebuild.log; a failure throws StartRefused with one line of words.
 */
export async function prepareElectronNative({ project = PROJECT, nativeDir, electronVersion, headerURL, loadRebuild = () => import('@electron/rebuild') }) {
  let rebuild;
  try {
    ({ rebuild } = await loadRebuild());
  } catch (error) {
    throw new StartRefused(`@electron/rebuild, which builds the native modules for Electron, cannot be loaded (${wordsOf(error)}); npm install installs it (it is a dev dependency), ${SERVE_HINT}`);
  }
  const modules = nativeModules(project);
  try {
    fs.mkdirSync(nativeDir, { recursive: true });
    fs.accessSync(nativeDir, fs.constants.W_OK);
  } catch (error) {
    throw new StartRefused(`${shown(nativeDir)}, where Electron's builds of the native modules go, cannot be written (${wordsOf(error)}); make it writable or remove it, or set FILEORG_ELECTRON_NATIVE_DIR to a folder you can write, ${SERVE_HINT}`);
  }
  const logFile = path.join(nativeDir, 'rebuild.log');
  const environment = {};
  for (const module of modules) {
    const folder = path.join(nativeDir, module.name);
    const stampFile = path.join(folder, '.fileorg-sources');
    const stamp = `${module.identity} electron ${electronVersion}`;
    const built = path.join(folder, module.output);
    const kept = fs.existsSync(built) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp;
    if (!kept) {
      fs.rmSync(folder, { recursive: true, force: true });
      module.copy(folder);
      // @electron/rebuild prints a failed build's whole output; it goes to the log, and one line to the terminal.
      const output = [];
      const { error: printError, log: printLog, warn: printWarn } = console;
      console.error = console.log = console.warn = (...parts) => output.push(parts.map(String).join(' '));
      // npm passes its config to scripts as npm_config_*, and a `nodedir` there (set where Node's own headers are
      // installed instead of downloaded) would make node-gyp build against Node's headers: a module that looks
      // built but does not load in Electron. Electron's own headers are the point.
      const nodeDirSettings = Object.keys(process.env).filter((name) => /^npm_config_nodedir$/i.test(name));
      const keptNodeDirs = nodeDirSettings.map((name) => [name, process.env[name]]);
      for (const name of nodeDirSettings) delete process.env[name];
      try {
        // projectRootPath = the copy: nothing above it (the project's own node_modules) is looked at or rebuilt.
        await rebuild({
          buildPath: folder, projectRootPath: folder, electronVersion, buildFromSource: true, onlyModules: [], mode: 'sequential', force: true,
          ...(headerURL ? { headerURL } : {}),
        });
        fs.writeFileSync(stampFile, stamp);
      } catch (error) {
        try {
          fs.writeFileSync(logFile, `${output.join('\n')}\n${error?.stack ?? error}\n`);
        } catch { /* the line below still says what failed */ }
        const headers = path.join(os.homedir(), '.electron-gyp', electronVersion, 'include', 'node', 'node_version.h');
        if (!fs.existsSync(headers)) {
          throw new StartRefused(`Electron's headers could not be fetched from ${headerURL ?? 'https://www.electronjs.org/headers'} (they are needed to build ${module.name} for Electron ${electronVersion}; details in ${shown(logFile)}), so the desktop app cannot start; try again when online, ${SERVE_HINT}`);
        }
        throw new StartRefused(`building ${module.name} for Electron ${electronVersion} failed (details in ${shown(logFile)}), so the desktop app cannot start; ${SERVE_HINT}`);
      } finally {
        Object.assign(console, { error: printError, log: printLog, warn: printWarn });
        for (const [name, value] of keptNodeDirs) process.env[name] = value;
      }
    }
    environment[module.variable] = built;
  }
  return environment;
}

/** The main process and the preload, as `npm run build` makes them (the renderer comes from vite's dev server). */
function buildApp(project) {
  const steps = [
    [path.join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(project, 'tsconfig.json')],
    [path.join(project, 'build', 'bundle-app.mjs')],
  ];
  for (const step of steps) {
    const run = spawnSync(process.execPath, step, { cwd: project, stdio: 'inherit' });
    if (run.status !== 0) return run.status ?? 1;
  }
  return 0;
}

/**
 * Passes Ctrl+C and a termination on to Electron, which then quits as it does from its menu (the data folder
 * closed first); npm start waits for it to exit either way. Not on Windows: the console already gave Electron
 * its Ctrl+C, and kill() there is TerminateProcess, which would end it outright, its data folder left open.
 */
export function forwardSignals(child, { platform = process.platform, target = process } = {}) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    target.on(signal, () => {
      if (platform !== 'win32' && child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
}

async function main() {
  const electron = electronBinary(process.env.FILEORG_ELECTRON_DIR || path.join(PROJECT, 'node_modules', 'electron'));
  if (electron.problem) throw new StartRefused(electron.problem);
  const nativeEnvironment = await prepareElectronNative({
    nativeDir: path.resolve(process.env.FILEORG_ELECTRON_NATIVE_DIR || path.join(PROJECT, '.electron-native')),
    electronVersion: electron.version,
    headerURL: process.env.ELECTRON_REBUILD_DIST_URL || undefined,
  });
  // tsc prints its own errors above this line.
  if (buildApp(PROJECT) !== 0) throw new StartRefused('building the main process and the preload failed (the compiler\'s words are above); fix them and run npm start again');

  // vite's page has inline scripts of its own (React's refresh preamble): it marks them with this nonce, and the
  // app's CSP allows that nonce and nothing else inline. One per run, never written anywhere.
  const nonce = crypto.randomBytes(18).toString('base64');
  let server;
  let url;
  try {
    const { createServer } = await import('vite');
    server = await createServer({
      configFile: path.join(PROJECT, 'vite.config.ts'),
      server: { host: '127.0.0.1', port: 0, strictPort: true },
      html: { cspNonce: nonce },
      clearScreen: false,
    });
    await server.listen();
    url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('it did not say where it listens');
  } catch (error) {
    await server?.close().catch(() => undefined);
    throw new StartRefused(`vite's dev server did not start (${wordsOf(error)}); npm install restores vite, ${SERVE_HINT}`);
  }
  const environment = { ...process.env, ...nativeEnvironment, FILEORG_DEV_SERVER_URL: url, FILEORG_DEV_CSP_NONCE: nonce };
  delete environment.ELECTRON_RUN_AS_NODE;
  const app = spawn(electron.binary, [PROJECT], { cwd: PROJECT, stdio: 'inherit', env: environment });
  forwardSignals(app);
  const [code, signal] = await new Promise((resolve) => {
    app.once('exit', (...ended) => resolve(ended));
    app.once('error', (error) => {
      process.stderr.write(`npm start: Electron did not start (${electron.binary}): ${error.message}\n`);
      resolve([1, null]);
    });
  });
  await server.close();
  return code ?? (signal ? 1 : 0);
}

/**
 * Is this file what node was asked to run (npm start), not a module imported by a test? Compared as real paths:
 * node runs a symlinked script at its real path, so a link to it (or a path spelled another way) must not read
 * as "imported", which would end npm start at once with exit 0 having done nothing.
 */
export function isEntryScript(argv1, moduleUrl = import.meta.url) {
  if (!argv1) return false;
  try {
    return fs.realpathSync(argv1) === fs.realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

if (isEntryScript(process.argv[1])) {
  try {
    process.exitCode = await main();
  } catch (error) {
    // One line that says what to do; the stack only when asked for.
    const words = error instanceof StartRefused ? error.message : `${wordsOf(error)}; run npm start with FILEORG_DEBUG=1 for the details, or ${SERVE_HINT}`;
    process.stderr.write(`npm start: ${words}\n`);
    if (process.env.FILEORG_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  }
}
