import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listFiles, tempDir, writeTree } from './helpers/temp-tree.js';

const PROJECT = path.resolve(import.meta.dirname, '..');
const NODE_SQLITE = path.join(PROJECT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const NODE_NATIVE = path.join(PROJECT, 'native', 'build', 'Release', 'fileorg_native.node');

/**
 * Duplicate searches and an organize run in a fresh Node process over the built core (checkpoints on their thread,
 * the hash cache and hashing on content threads, journal reads and moves on file-action threads, the walk on its
 * threads), answering which shared objects the process loaded.
 */
async function organizeIn(env: Record<string, string>): Promise<{ status: string; loaded: string[] }> {
  const dataDir = tempDir('fileorg-native-env-data-');
  const tree = tempDir('fileorg-native-env-tree-');
  writeTree(tree, { 'a.jpg': 'jpeg', 'b.pdf': '%PDF', 'c/d.mp3': 'ID3', 'x.txt': 'twice', 'y.txt': 'twice' });
  const script = `
    const { openAppCore } = await import(${JSON.stringify(pathToFileURL(path.join(PROJECT, 'dist', 'src-main', 'core', 'compose.js')).href)});
    const { presetRuleSet } = await import(${JSON.stringify(pathToFileURL(path.join(PROJECT, 'dist', 'src-main', 'core', 'rules', 'load-rule-set.js')).href)});
    const core = openAppCore({ dataDir: ${JSON.stringify(dataDir)}, backgroundCheckpoints: true });
    // Two duplicate searches: hashing on the content threads, which write the hash cache and then read it.
    for (const round of [1, 2]) await core.duplicates.find([${JSON.stringify(tree)}], { minSize: 0, includeEmpty: false, includeHidden: false });
    const run = await core.operations.organize({ roots: [${JSON.stringify(tree)}], destination: null, conflict: 'rename', includeHidden: false, sniffAll: false, preset: 'by-type', ruleSet: presetRuleSet('by-type') }, { dryRun: false });
    const loaded = process.report.getReport().sharedObjects;
    // The checkpoint thread is unref'd and close() waits for its exit: with nothing else alive (no app, no server),
    // the loop would end first and leave close() unsettled.
    const alive = setInterval(() => {}, 1000);
    await core.close();
    clearInterval(alive);
    process.stdout.write(JSON.stringify({ status: run.status, loaded }));
  `;
  const scriptFile = path.join(tempDir('fileorg-native-env-script-'), 'organize.mjs');
  fs.writeFileSync(scriptFile, script);
  const child = spawn(process.execPath, [scriptFile], { env: { ...process.env, FILEORG_SQLITE_BINDING: '', FILEORG_NATIVE_MODULE: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  expect(code, stderr).toBe(0);
  expect(listFiles(tree).sort()).toEqual(['Audio/d.mp3', 'Documents/b.pdf', 'Documents/x.txt', 'Documents/y.txt', 'Images/a.jpg']);
  return JSON.parse(stdout) as { status: string; loaded: string[] };
}

describe('the native builds the desktop app loads', () => {
  it('are the ones FILEORG_SQLITE_BINDING and FILEORG_NATIVE_MODULE name, on the main thread and every worker thread', async () => {
    // Copies of the Node builds stand in for the Electron builds npm start makes: what matters is which file loads.
    const elsewhere = tempDir('fileorg-native-env-builds-');
    const sqlite = path.join(elsewhere, 'better_sqlite3.node');
    const native = path.join(elsewhere, 'fileorg_native.node');
    fs.copyFileSync(NODE_SQLITE, sqlite);
    fs.copyFileSync(NODE_NATIVE, native);
    const run = await organizeIn({ FILEORG_SQLITE_BINDING: sqlite, FILEORG_NATIVE_MODULE: native });
    expect(run.status).toBe('completed');
    expect(run.loaded).toEqual(expect.arrayContaining([sqlite, native]));
    expect(run.loaded).not.toContain(NODE_SQLITE);
    expect(run.loaded).not.toContain(NODE_NATIVE);
  });

  it('are the ones npm install built when the variables are unset', async () => {
    const run = await organizeIn({});
    expect(run.status).toBe('completed');
    expect(run.loaded).toEqual(expect.arrayContaining([NODE_SQLITE, NODE_NATIVE]));
  });
});
