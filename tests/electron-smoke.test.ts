import path from 'node:path';
import { _electron, type ElectronApplication } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { electronBinary, prepareElectronNative, StartRefused } from '../build/start.mjs';
import { BRIDGE_KEY, BRIDGE_METHOD_NAMES } from '../src-shared/bridge.js';
import { openHistory, operationRow, waitForStatus as waitForDetailStatus } from './helpers/history-ui.js';
import { previewFolder, waitForStatus } from './helpers/organize-ui.js';
import { listFiles, snapshotTree, tempDir, writeTree } from './helpers/temp-tree.js';

const PROJECT = path.resolve(import.meta.dirname, '..');
/**
 * The binary `npm install` downloads unless ELECTRON_SKIP_BINARY_DOWNLOAD=1 (as .ci/run sets): absent here. Found
 * as npm start finds it (FILEORG_ELECTRON_DIR, ELECTRON_OVERRIDE_DIST_PATH).
 */
const electron = electronBinary(process.env.FILEORG_ELECTRON_DIR || path.join(PROJECT, 'node_modules', 'electron')) as { binary?: string; version?: string; problem?: string };

/**
 * better-sqlite3 and native/ built for Electron, as npm start builds them (kept between runs), before the test is
 * named: where the binary is here but they cannot be built (Electron's headers cannot be fetched offline), the
 * test is skipped and its name says why, as where there is no binary.
 */
let nativeEnvironment: Record<string, string> | undefined;
let reason = '';
if (!electron.binary) {
  reason = ' (skipped: no Electron binary on this machine)';
} else {
  try {
    nativeEnvironment = await prepareElectronNative({
      nativeDir: path.resolve(process.env.FILEORG_ELECTRON_NATIVE_DIR || path.join(PROJECT, '.electron-native')),
      electronVersion: electron.version, headerURL: process.env.ELECTRON_REBUILD_DIST_URL || undefined,
    }) as Record<string, string>;
  } catch (error) {
    if (!(error instanceof StartRefused)) throw error;
    reason = ` (skipped: Electron's binary is here, but its builds of the native modules are not: ${error.message})`;
  }
}

const launched: ElectronApplication[] = [];
afterEach(async () => {
  for (const app of launched.splice(0)) await app.close().catch(() => undefined);
});

describe('the desktop app', () => {
  it.skipIf(nativeEnvironment === undefined)(`opens its window on app://, gives the page exactly the bridge and no Node, stays on its own origin, and organizes and undoes a folder through the window${reason}`, async () => {
    const dataDir = tempDir('fileorg-electron-data-');
    const tree = tempDir('fileorg-electron-tree-');
    writeTree(tree, { 'beach.jpg': 'jpeg bytes', 'itinerary.pdf': '%PDF-1.7 trip', 'song.mp3': 'ID3 song', 'notes.txt': 'sunscreen' });
    const before = snapshotTree(tree);

    const environment: Record<string, string> = {};
    for (const [name, value] of Object.entries(process.env)) if (value !== undefined && name !== 'FILEORG_DEV_SERVER_URL') environment[name] = value;
    const app = await _electron.launch({
      ...(electron.binary ? { executablePath: electron.binary } : {}),
      // Linux without a display: Chromium's headless platform.
      args: [...(process.platform === 'linux' && !process.env.DISPLAY ? ['--ozone-platform=headless'] : []), PROJECT],
      env: { ...environment, ...nativeEnvironment, FILEORG_DATA_DIR: dataDir },
      timeout: 60_000,
    });
    launched.push(app);
    const refusals: string[] = [];
    app.process().stderr?.on('data', (chunk: Buffer) => { refusals.push(...chunk.toString().split('\n').filter((line) => line.includes('refused to leave'))); });
    const page = await app.firstWindow();
    const cspViolations: string[] = [];
    page.on('console', (message) => { if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text()); });
    await page.getByRole('link', { name: 'Organize', exact: true }).waitFor();
    expect(page.url()).toMatch(/^app:\/\/fileorganizer\//);

    // The preload's bridge, exactly: one method per channel and app-only call, `on`, `pathForFile`; no Node.
    const keys = await page.evaluate((key) => Object.keys((window as unknown as Record<string, object>)[key] ?? {}).sort(), BRIDGE_KEY);
    expect(keys).toEqual([...BRIDGE_METHOD_NAMES].sort());
    expect(await page.evaluate('[typeof require, typeof process, typeof module, typeof Buffer]')).toEqual(['undefined', 'undefined', 'undefined', 'undefined']);

    // Another origin: the navigation is stopped (main says so) and the window stays on its page; no new window.
    await page.evaluate(() => { window.location.href = 'https://example.org/'; });
    await expect.poll(() => refusals.length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(page.url()).toMatch(/^app:\/\/fileorganizer\//);
    expect(await page.evaluate(() => window.open('https://example.org/') === null)).toBe(true);
    expect(app.windows()).toHaveLength(1);

    // A folder organized through the window, as the local profile (the CLI's history), then undone from History.
    await previewFolder(page, tree);
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await waitForStatus(page, 'Completed');
    expect(listFiles(tree)).toEqual(expect.arrayContaining(['Images/beach.jpg', 'Documents/itinerary.pdf', 'Audio/song.mp3']));
    expect(snapshotTree(tree)).not.toEqual(before);
    await openHistory(page);
    await operationRow(page, path.basename(tree), 'Completed').first().click();
    await waitForDetailStatus(page, 'Completed');
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await waitForDetailStatus(page, 'Rolled back');
    expect(snapshotTree(tree)).toEqual(before);
    expect(cspViolations).toEqual([]);

    // Quit closes the data folder cleanly: the app exits by itself.
    const exited = new Promise<number | null>((resolve) => app.process().once('exit', resolve));
    await app.evaluate(({ app: electronApp }) => electronApp.quit());
    expect(await exited).toBe(0);
  });
});
